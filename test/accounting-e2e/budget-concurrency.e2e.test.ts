import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { completion, textStream } from '../e2e/openai-wire.js';
import { accountedConfig, startAccountedGateway, type AccountedGateway } from './start-accounted-gateway.js';

const REQUESTS = 500;
// Each answer reports 20 input and 900 output tokens on fake/small: $0.00902. Each reservation is
// the worst case, 1,000 output tokens: about $0.01. 500 of them ask for about $5 against $1.
const ANSWER_USAGE = { input: 20, output: 900 };

let upstream: FakeUpstream;
let run: AccountedGateway;
const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-budget-e2e-'));

beforeAll(async () => {
  upstream = await startFakeUpstream(async (request) => {
    const body = request.json as { stream?: boolean; model: string };
    // Hold each answer a little, so that many reservations are in flight at once.
    await new Promise((resolve) => setTimeout(resolve, 20));
    return body.stream === true ? textStream(body.model, ['a', 'b', 'c'], { usage: ANSWER_USAGE }) : completion(body.model, 'abc', { usage: ANSWER_USAGE });
  });
  run = await startAccountedGateway(
    accountedConfig(upstream.url, { accounting: { budgets: [{ scope: 'global', period: 'total', limitUsd: 1 }] } }),
    { dataDir },
  );
});

afterAll(async () => {
  await run.close();
  await upstream.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a $1.00 budget under 500 concurrent requests through HTTP', () => {
  it('never settles past the limit, refuses the rest with 429 budget_exceeded, and returns every reservation', async () => {
    const created = await run.admin('/admin/keys', { method: 'POST', body: { owner: 'load-test', team: 'perf' } });
    expect(created.status).toBe(201);
    const client: OpenAI = run.client(created.body.key as string);
    const outcomes = await Promise.all(
      Array.from({ length: REQUESTS }, async (_, index): Promise<'accepted' | 'refused'> => {
        const params = { model: 'fake/small', messages: [{ role: 'user' as const, content: `request ${index}` }] };
        try {
          if (index % 2 === 0) {
            await client.chat.completions.create(params);
          } else {
            const stream = await client.chat.completions.create({ ...params, stream: true });
            let text = '';
            for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
            expect(text).toBe('abc');
          }
          return 'accepted';
        } catch (error) {
          expect(error).toBeInstanceOf(OpenAI.APIError);
          expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(429);
          expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe('budget_exceeded');
          expect((error as Error).message).toMatch(/gateway total budget of \$1\.00/);
          return 'refused';
        }
      }),
    );
    const accepted = outcomes.filter((o) => o === 'accepted').length;
    const refused = outcomes.length - accepted;

    const budgets = await run.admin('/admin/budgets');
    const budget = budgets.body.data[0];
    const held = await run.admin('/admin/reservations');
    const spend = await run.admin(`/admin/spend?group_by=key&from=0&to=${Math.ceil(Date.now() / 1000) + 60}`);
    const ledgerSpend = spend.body.data.reduce((sum: number, row: { cost_usd: number }) => sum + row.cost_usd, 0);
    const perRequest = 20 * 1e-6 + 900 * 1e-5;
    console.info(
      `budget concurrency through HTTP: ${REQUESTS} requests (half streamed), ${accepted} accepted, ${refused} refused with 429; ` +
        `settled $${budget.spent_usd.toFixed(6)} of $1.00, overshoot $${Math.max(0, budget.spent_usd - 1).toFixed(6)}; ` +
        `reservations left ${held.body.count} ($${held.body.total_usd})`,
    );

    expect(accepted).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(300);
    expect(budget.spent_usd).toBeLessThanOrEqual(1);
    expect(budget.spent_usd).toBeCloseTo(accepted * perRequest, 6);
    expect(ledgerSpend).toBeCloseTo(budget.spent_usd, 6);
    expect(budget.reserved_usd).toBe(0);
    expect(held.body).toEqual({ count: 0, total_usd: 0 });
    // Every accepted request reached the upstream once; no refused one did.
    expect(upstream.requests.length).toBe(accepted);
  }, 60_000);
});
