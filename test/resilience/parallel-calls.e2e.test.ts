import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../src/state/ledger-entry.js';
import { startFakeUpstream, type FakeHandler, type FakeUpstream, type SeenRequest } from '../support/fake-upstream.js';
import { metricSample } from '../support/metric-sample.js';
import { completion, textStream } from '../e2e/openai-wire.js';
import { accountedConfig, startAccountedGateway, type AccountedGateway } from '../accounting-e2e/start-accounted-gateway.js';

/**
 * Hedging, `mode: race` and `mode: consensus` through the gateway, seen by the official client.
 * No test waits on a clock: the slow upstream stalls until its connection is aborted, and the
 * fast one answers only once the slow one has been seen, so the order of events is fixed.
 */

const CAPABILITIES = { tools: true, vision: false, json: true, streaming: true, embeddings: true };
const voter = (name: string, quality: number) => ({
  id: `fake/${name}`, provider: 'fake', model: `${name}-model`, pricing: { inputPerMTok: 1, outputPerMTok: 10 },
  contextWindow: 32_000, maxOutputTokens: 1_000, capabilities: CAPABILITIES, quality: { default: quality },
});
const QUALITY_FIRST = { cost: 0, latency: 0, quality: 1, reliability: 0 };
const ANSWERS: Record<string, string> = { 'a-model': 'The answer is 42.', 'b-model': 'Final answer: 42', 'c-model': 'It is 41.' };

let upstream: FakeUpstream;
let run: AccountedGateway;
let client: OpenAI;
let handler: FakeHandler;

const modelOf = (request: SeenRequest): string => (request.json as { model: string }).model;
const streaming = (request: SeenRequest): boolean => (request.json as { stream?: boolean }).stream === true;

async function until(check: () => boolean, what: string): Promise<void> {
  // A generous bound only so that a broken build fails instead of hanging; nothing is timed.
  for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!check()) throw new Error(`never happened: ${what}`);
}

/** The slow deployment (large-model) stalls; the fast one (small-model) answers once the slow one is waiting upstream. */
function slowAndFast(): FakeHandler {
  return async (request) => {
    const model = modelOf(request);
    if (model === 'large-model') return { kind: 'stall' };
    await until(() => upstream.requests.some((seen) => modelOf(seen) === 'large-model' && !seen.aborted), 'the slow upstream holds a request');
    return streaming(request) ? textStream(model, ['from ', 'the hedge']) : completion(model, 'from the hedge', { usage: { input: 100, output: 10 } });
  };
}

const slowRequest = (): SeenRequest | undefined => upstream.requests.findLast((seen) => modelOf(seen) === 'large-model');

async function rowsOf(requestId: string): Promise<LedgerEntry[]> {
  await run.accounting.accounting.ledger.flush();
  return (await run.accounting.accounting.store.ledger.listEntries({ requestId })).sort((a, b) => (a.attempt ?? -1) - (b.attempt ?? -1));
}

async function metric(name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(`${run.url}/metrics`)).text();
  return metricSample(text, name, labels) ?? 0;
}

beforeAll(async () => {
  upstream = await startFakeUpstream((request) => handler(request));
  const base = accountedConfig(upstream.url);
  run = await startAccountedGateway({
    ...base,
    deployments: [...(base.deployments as unknown[]), voter('a', 0.9), voter('b', 0.8), voter('c', 0.7)],
    accounting: { store: 'memory', budgets: [{ scope: 'global', period: 'month', limitUsd: 10 }] },
    policies: {
      hedged: { deployments: ['fake/large', 'fake/small'], weights: QUALITY_FIRST, hedging: { enabled: true, delayMs: 1 } },
      raced: { deployments: ['fake/large', 'fake/small'], weights: QUALITY_FIRST, mode: 'race', parallel: { n: 2 } },
      voted: { deployments: ['fake/a', 'fake/b', 'fake/c'], weights: QUALITY_FIRST, mode: 'consensus', parallel: { n: 3, comparator: 'majority' } },
      strict: { deployments: ['fake/a', 'fake/b', 'fake/c'], weights: QUALITY_FIRST, mode: 'consensus', parallel: { comparator: 'exact', onNoMajority: 'error' } },
    },
  });
  client = run.client((await run.admin('/admin/keys', { method: 'POST', body: { owner: 'ops' } })).body.key as string);
});

afterAll(async () => {
  await run?.close();
  await upstream?.close();
});

beforeEach(() => {
  handler = slowAndFast();
});

const ask = (model: string, requestId: string) =>
  client.chat.completions.create({ model, messages: [{ role: 'user', content: 'What is 6 times 7?' }] }, { headers: { 'x-request-id': requestId } }).withResponse();

describe('hedged requests', () => {
  it('a first pick with no answer by the hedge delay gets a hedge; the hedge answers and the slow connection is aborted', async () => {
    const hedgesBefore = await metric('switchyard_hedges_total', { winner: 'hedge' });
    const { data, response } = await ask('router/hedged', 'hedge-json');
    expect(data.choices[0]?.message.content).toBe('from the hedge');
    expect(response.headers.get('x-switchyard-deployment')).toBe('fake/small');
    expect(response.headers.get('x-switchyard-attempts')).toBe('2');
    await until(() => slowRequest()?.aborted === true, 'the slow upstream saw its connection aborted');

    const [request, ...attempts] = await rowsOf('hedge-json');
    expect(request).toMatchObject({ kind: 'request', deploymentId: 'fake/small', outcome: 'ok' });
    expect(attempts).toHaveLength(2);
    expect(attempts[0]).toMatchObject({ kind: 'attempt', deploymentId: 'fake/large', errorCode: 'superseded', outcome: 'superseded', costUsd: 0 });
    expect(attempts[1]).toMatchObject({ kind: 'attempt', deploymentId: 'fake/small', outcome: 'ok' });
    expect(attempts[1]?.costUsd).toBeCloseTo(100 * 1e-6 + 10 * 10e-6, 12);
    expect(request?.costUsd).toBeCloseTo(attempts[1]?.costUsd ?? NaN, 12);

    const decision = await run.admin(`/admin/decisions?id=${response.headers.get('x-switchyard-decision-id')}`);
    expect(decision.body.data[0].result).toMatchObject({
      winner: 'fake/small',
      attempts: [
        { deploymentId: 'fake/large', role: 'first', errorCode: 'superseded' },
        { deploymentId: 'fake/small', role: 'hedge', outcome: 'ok' },
      ],
    });
    expect(await metric('switchyard_hedges_total', { winner: 'hedge' })).toBe(hedgesBefore + 1);
    expect(await metric('switchyard_attempt_winners_total', { deployment: 'fake/small', role: 'hedge' })).toBeGreaterThanOrEqual(1);
    // Both reservations were settled or released.
    expect(run.accounting.reservations()).toEqual({ count: 0, totalUsd: 0 });
  });

  it('streams: the hedge reaches its first token first and streams the answer; the slow stream is aborted', async () => {
    const stream = await client.chat.completions.create(
      { model: 'router/hedged', messages: [{ role: 'user', content: 'Hi' }], stream: true },
      { headers: { 'x-request-id': 'hedge-stream' } },
    );
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('from the hedge');
    await until(() => slowRequest()?.aborted === true, 'the slow stream saw its connection aborted');
    await until(() => run.accounting.reservations().count === 0, 'every reservation settled');
    const [request, ...attempts] = await rowsOf('hedge-stream');
    expect(request).toMatchObject({ kind: 'request', deploymentId: 'fake/small', streamed: true, outcome: 'ok' });
    expect(attempts.map((row) => [row.deploymentId, row.errorCode ?? row.outcome])).toEqual([
      ['fake/large', 'superseded'],
      ['fake/small', 'ok'],
    ]);
  });
});

describe('a client that leaves a hedged request', () => {
  it('aborts both upstream calls and frees both reservations; the request is recorded as client_closed', async () => {
    handler = () => ({ kind: 'stall' });
    const seenBefore = upstream.requests.length;
    const controller = new AbortController();
    const pending = client.chat.completions
      .create({ model: 'router/hedged', messages: [{ role: 'user', content: 'Hi' }] }, { headers: { 'x-request-id': 'hedge-client-gone' }, signal: controller.signal })
      .catch((error: unknown) => error);
    const legs = () => upstream.requests.slice(seenBefore);
    await until(() => legs().length === 2, 'the first pick and its hedge are both waiting upstream');
    expect(run.accounting.reservations().count).toBe(2);
    controller.abort();
    await pending;
    await until(() => legs().every((seen) => seen.aborted), 'both upstream connections aborted');
    await until(() => run.accounting.reservations().count === 0, 'both reservations freed');
    const [request, ...attempts] = await rowsOf('hedge-client-gone');
    expect(request).toMatchObject({ kind: 'request', errorCode: 'client_closed', costUsd: 0 });
    expect(attempts.map((row) => [row.deploymentId, row.errorCode, row.costUsd])).toEqual([
      ['fake/large', 'client_closed', 0],
      ['fake/small', 'client_closed', 0],
    ]);
  });
});

describe('mode: race', () => {
  it('calls both candidates at once; the first answer wins and the other connection is aborted', async () => {
    const { data, response } = await ask('router/raced', 'race-json');
    expect(data.choices[0]?.message.content).toBe('from the hedge');
    expect(response.headers.get('x-switchyard-deployment')).toBe('fake/small');
    await until(() => slowRequest()?.aborted === true, 'the losing upstream saw its connection aborted');
    const [, ...attempts] = await rowsOf('race-json');
    expect(attempts.map((row) => [row.deploymentId, row.errorCode ?? row.outcome])).toEqual([
      ['fake/large', 'superseded'],
      ['fake/small', 'ok'],
    ]);
    expect(await metric('switchyard_attempts_total', { deployment: 'fake/large', role: 'race', outcome: 'superseded' })).toBeGreaterThanOrEqual(1);
  });

  it('streams: the first stream to reach a token wins; the other is aborted before it cost anything', async () => {
    const stream = await client.chat.completions.create({ model: 'router/raced', messages: [{ role: 'user', content: 'Hi' }], stream: true }, { headers: { 'x-request-id': 'race-stream' } });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('from the hedge');
    await until(() => slowRequest()?.aborted === true, 'the losing stream saw its connection aborted');
    await until(() => run.accounting.reservations().count === 0, 'every reservation settled');
    const [, ...attempts] = await rowsOf('race-stream');
    expect(attempts.map((row) => [row.deploymentId, row.errorCode ?? row.outcome, row.costUsd > 0])).toEqual([
      ['fake/large', 'superseded', false],
      ['fake/small', 'ok', true],
    ]);
  });
});

describe('mode: consensus', () => {
  beforeEach(() => {
    handler = (request) => {
      const model = modelOf(request);
      return completion(model, ANSWERS[model] ?? 'unknown', { usage: { input: 20, output: 5 } });
    };
  });

  it('asks three candidates and returns the majority answer with the agreement in a header; every answer is paid for', async () => {
    const { data, response } = await ask('router/voted', 'vote-json');
    expect(response.headers.get('x-switchyard-consensus-agreement')).toBe('2/3');
    expect(response.headers.get('x-switchyard-deployment')).toBe('fake/a');
    expect(data.choices[0]?.message.content).toBe(ANSWERS['a-model']);
    const [request, ...attempts] = await rowsOf('vote-json');
    expect(attempts.map((row) => row.deploymentId).sort()).toEqual(['fake/a', 'fake/b', 'fake/c']);
    const each = 20 * 1e-6 + 5 * 10e-6;
    expect(request?.costUsd).toBeCloseTo(3 * each, 12);
    expect(Number(response.headers.get('x-switchyard-cost-usd'))).toBeCloseTo(3 * each, 8);
    expect(await metric('switchyard_consensus_requests_total', { result: 'majority' })).toBeGreaterThanOrEqual(1);
  });

  it('streams: the answer is agreed on first, then replayed as SSE with the same header', async () => {
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'router/voted', messages: [{ role: 'user', content: 'What is 6 times 7?' }], stream: true })
      .withResponse();
    expect(response.headers.get('x-switchyard-consensus-agreement')).toBe('2/3');
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(ANSWERS['a-model']);
  });

  it('without a majority, a policy that says so answers 502 no_consensus', async () => {
    const error = await ask('router/strict', 'vote-none').then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe('no_consensus');
    const [request, ...attempts] = await rowsOf('vote-none');
    expect(request).toMatchObject({ kind: 'request', errorCode: 'no_consensus' });
    expect(attempts).toHaveLength(3);
    expect(request?.costUsd).toBeGreaterThan(0);
  });
});
