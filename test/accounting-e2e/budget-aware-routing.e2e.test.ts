import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { completion } from '../e2e/openai-wire.js';
import { accountedConfig, startAccountedGateway, type AccountedGateway } from './start-accounted-gateway.js';

let upstream: FakeUpstream;
let run: AccountedGateway;

beforeAll(async () => {
  upstream = await startFakeUpstream((request) => {
    const body = request.json as { model: string; messages: Array<{ content: string }> };
    // The first call reports a huge answer: $0.92 of the $1 budget is gone after it.
    const big = body.messages[0]?.content === 'spend';
    return completion(body.model, 'ok', { usage: big ? { input: 0, output: 9_200 } : { input: 10, output: 10 } });
  });
  run = await startAccountedGateway(
    accountedConfig(upstream.url, {
      accounting: { store: 'memory', budgets: [{ scope: 'global', period: 'total', limitUsd: 1 }] },
      policies: { frugal: { weights: { quality: 1, cost: 0, latency: 0, reliability: 0 }, budgetAware: { enabled: true, floor: 0.5, cheapestOnlyBelow: 0.1 } } },
    }),
  );
});

afterAll(async () => {
  await run?.close();
  await upstream?.close();
});

describe('budget-aware routing through the gateway', () => {
  it('picks the quality model while money lasts, the cheapest once the budget is nearly spent, and says why', async () => {
    const created = await run.admin('/admin/keys', { method: 'POST', body: { owner: 'ml' } });
    const client = run.client(created.body.key as string);
    const ask = (content: string) => client.chat.completions.create({ model: 'router/frugal', messages: [{ role: 'user', content }] }).withResponse();

    const before = await ask('spend');
    expect(before.response.headers.get('x-switchyard-deployment')).toBe('fake/large');

    const after = await ask('Write a proof that there are infinitely many primes.');
    expect(after.response.headers.get('x-switchyard-deployment')).toBe('fake/small');
    const decisionId = after.response.headers.get('x-switchyard-decision-id')!;
    await new Promise((resolve) => setTimeout(resolve, 50));
    const audit = await run.admin(`/admin/decisions?id=${encodeURIComponent(decisionId)}`);
    const text = JSON.stringify(audit.body);
    expect(text).toContain('gateway total budget at 8.0%, below 10%: cheapest only (fake/small');
    expect(text).toContain('budget changed the pick: fake/large -> fake/small');
  });
});
