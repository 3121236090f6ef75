import type OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../src/state/ledger-entry.js';
import { startFakeUpstream, type FakeUpstream, type FakeHandler } from '../support/fake-upstream.js';
import { completion, openAIError, textStream } from '../e2e/openai-wire.js';
import { accountedConfig, startAccountedGateway, type AccountedGateway } from './start-accounted-gateway.js';

let upstream: FakeUpstream;
let run: AccountedGateway;
let client: OpenAI;
let handler: FakeHandler;

async function rowsOf(requestId: string): Promise<LedgerEntry[]> {
  await run.accounting.accounting.ledger.flush();
  return (await run.accounting.accounting.store.ledger.listEntries({ requestId })).sort((a, b) => (a.attempt ?? -1) - (b.attempt ?? -1));
}

async function settledToZero(): Promise<void> {
  // A stream's reservation settles just after its last byte; poll briefly rather than sleep blindly.
  for (let i = 0; i < 50 && run.accounting.reservations().count > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(run.accounting.reservations()).toEqual({ count: 0, totalUsd: 0 });
}

beforeAll(async () => {
  upstream = await startFakeUpstream((request) => handler(request));
  run = await startAccountedGateway(
    accountedConfig(upstream.url, {
      accounting: { store: 'memory', budgets: [{ scope: 'global', period: 'month', limitUsd: 10, alertThresholds: [0.0001] }] },
      policies: { 'small-then-large': { deployments: ['fake/small'], fallback: ['fake/large'] } },
    }),
  );
  const created = await run.admin('/admin/keys', { method: 'POST', body: { owner: 'ops', team: 'core' } });
  client = run.client(created.body.key as string);
});

afterAll(async () => {
  await run?.close();
  await upstream?.close();
});

beforeEach(() => {
  handler = (request) => completion((request.json as { model: string }).model, 'ok', { usage: { input: 100, output: 10 } });
});

describe('settlement per attempt', () => {
  it('a fallback reserves and settles for itself; the failed attempt costs nothing; one row per request and per attempt', async () => {
    handler = (request) => {
      const model = (request.json as { model: string }).model;
      return model === 'small-model' ? openAIError(500, 'server_error', 'boom') : completion(model, 'from large', { usage: { input: 100, output: 10 } });
    };
    const { data, response } = await client.chat.completions
      .create({ model: 'router/small-then-large', messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-request-id': 'fallback-1' } })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('from large');
    const [request, ...attempts] = await rowsOf('fallback-1');
    const large = 100 * 10e-6 + 10 * 100e-6;
    expect(request).toMatchObject({ kind: 'request', deploymentId: 'fake/large', outcome: 'ok', team: 'core' });
    expect(request?.costUsd).toBeCloseTo(large, 12);
    expect(request?.decisionId).toBe(response.headers.get('x-switchyard-decision-id'));
    // fake/small fails (retried, maybe), then fake/large answers: each attempt has its row.
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    for (const failed of attempts.slice(0, -1)) expect(failed).toMatchObject({ kind: 'attempt', deploymentId: 'fake/small', outcome: 'server_error', costUsd: 0 });
    expect(attempts.at(-1)).toMatchObject({ kind: 'attempt', deploymentId: 'fake/large', outcome: 'ok' });
    expect(attempts.at(-1)?.costUsd).toBeCloseTo(large, 12);
    await settledToZero();
  });

  it('a stream cut by the upstream settles what it produced, counted, at the cut', async () => {
    handler = (request) => ({ ...textStream((request.json as { model: string }).model, ['one ', 'two ', 'three'], { cutAfter: 3 }), cutDelayMs: 100 }) as ReturnType<FakeHandler> & object;
    const stream = await client.chat.completions.create({ model: 'fake/small', messages: [{ role: 'user', content: 'count' }], stream: true }, { headers: { 'x-request-id': 'cut-1' } });
    await expect(async () => {
      for await (const chunk of stream) void chunk;
    }).rejects.toThrow();
    await settledToZero();
    const [request] = await rowsOf('cut-1');
    expect(request).toMatchObject({ kind: 'request', deploymentId: 'fake/small', streamed: true, errorCode: 'network_error' });
    expect(request!.outputTokens).toBeGreaterThan(0);
    expect(request!.costUsd).toBeGreaterThan(0);
    expect(request!.costUsd).toBeLessThan(0.001);
  });

  it('a stream the client abandons settles too, and the request row is written', async () => {
    handler = (request) => ({ ...textStream((request.json as { model: string }).model, Array.from({ length: 50 }, (_, i) => `w${i} `)), delayMs: 20 } as ReturnType<FakeHandler> & object);
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'fake/small', messages: [{ role: 'user', content: 'long' }], stream: true },
      { headers: { 'x-request-id': 'abandon-1' }, signal: controller.signal },
    );
    let seen = 0;
    try {
      for await (const chunk of stream) {
        if ((chunk.choices[0]?.delta.content ?? '') !== '' && ++seen === 3) controller.abort();
      }
    } catch {
      // Aborting may end the iteration with an error or quietly; either way the client is gone.
    }
    expect(seen).toBeLessThan(50);
    await settledToZero();
    for (let i = 0; i < 50 && (await rowsOf('abandon-1')).length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    const [request] = await rowsOf('abandon-1');
    expect(request).toMatchObject({ kind: 'request', streamed: true, errorCode: 'client_closed' });
    expect(request!.costUsd).toBeGreaterThan(0);
  });

  it('fires the budget threshold alert once, as a log line and a Prometheus counter', async () => {
    await client.chat.completions.create({ model: 'fake/small', messages: [{ role: 'user', content: 'hi' }] });
    await client.chat.completions.create({ model: 'fake/small', messages: [{ role: 'user', content: 'hi' }] });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const metrics = await (await fetch(`${run.url}/metrics`)).text();
    expect(metrics).toMatch(/switchyard_budget_alerts_total\{kind="budget_threshold",scope="global",threshold="0\.0001"\} 1\n/);
    expect(run.logText().match(/"msg":"budget alert"/g)).toHaveLength(1);
  });
});
