import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { BatchRunner } from '../../src/engine/batch/batch-runner.js';
import { buildGateway } from '../../src/engine/build-gateway.js';
import type { GatewayAccounting } from '../../src/engine/gateway-accounting.js';
import type { Gateway } from '../../src/engine/gateway.js';
import { openGatewayAccounting } from '../../src/engine/open-gateway-accounting.js';
import { chatCompletionBody } from '../../src/server/chat-completion-body.js';
import { parseChatRequest } from '../../src/server/parse-chat-request.js';
import { SqliteBatchStore } from '../../src/state/batch/sqlite-batch-store.js';
import { startFakeAnthropicBatch, startFakeGeminiBatch, startFakeOpenAIBatch, type FakeBatchProvider } from '../support/fake-batch-providers.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** USD per 1M tokens: input 1, output 2. A line's usage (10 in, 5 out) lists at 0.00002 USD. */
const PRICING = { inputPerMTok: 1, outputPerMTok: 2, cachedInputPerMTok: 0.5 };
const LIST_PRICE = 0.00002;

/** `adopts`: a batch the provider accepted before its id was committed is found again after a restart. */
const KINDS = {
  openai: { start: startFakeOpenAIBatch, provider: 'openai', model: 'gpt-4o-mini', apiKey: 'sk-test', path: '/v1', adopts: true },
  anthropic: { start: startFakeAnthropicBatch, provider: 'anthropic', model: 'claude-haiku-4-5', apiKey: 'ant-key', path: '/v1', adopts: false },
  gemini: { start: startFakeGeminiBatch, provider: 'gemini', model: 'gemini-2.5-flash', apiKey: 'g-key', path: '/v1beta', adopts: true },
} as const;

async function setup(kind: keyof typeof KINDS, extra: Record<string, unknown> = {}) {
  const spec = KINDS[kind];
  const fake: FakeBatchProvider = await spec.start();
  cleanups.push(() => fake.close());
  const config = parseConfig(
    {
      simulated: 'off',
      autoDetectProviders: false,
      accounting: { store: 'memory' },
      providers: { up: { type: spec.provider, baseUrl: `${fake.upstream.url}${spec.path}`, apiKey: spec.apiKey } },
      deployments: [{ id: `up/${spec.model}`, provider: 'up', model: spec.model, pricing: PRICING }],
      ...extra,
    },
    {},
  );
  const accounting: GatewayAccounting = await openGatewayAccounting({ config });
  cleanups.push(() => accounting.close());
  const gateway: Gateway = buildGateway(config, { env: {}, accounting });
  cleanups.push(() => gateway.close());
  const dir = mkdtempSync(join(tmpdir(), 'sy-native-batch-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'batches.sqlite');
  const open = () => {
    const store = new SqliteBatchStore(path);
    const runner = new BatchRunner({ store, gateway: () => gateway, concurrency: 2, parseRequest: parseChatRequest, formatResponse: chatCompletionBody, pollIntervalMs: 2 });
    cleanups.push(async () => {
      await runner.close();
      store.close();
    });
    return { store, runner };
  };
  return { fake, accounting, gateway, open };
}

function input(questions: string[]): Buffer {
  return Buffer.from(questions.map((q, i) => JSON.stringify({ custom_id: `q-${i}`, method: 'POST', url: '/v1/chat/completions', body: { model: 'auto', temperature: 0, messages: [{ role: 'user', content: q }] } })).join('\n'));
}

type OutputLine = { custom_id: string; response: { status_code: number; body: { choices?: Array<{ message: { content: string } }>; switchyard?: { cost_usd: number }; error?: { message: string } } } };

function lines(store: SqliteBatchStore, fileId: string | undefined): OutputLine[] {
  const text = fileId === undefined ? '' : (store.getFileContent(fileId)?.toString('utf8') ?? '');
  return text.trim() === '' ? [] : text.trim().split('\n').map((line) => JSON.parse(line) as OutputLine);
}

/** The answered lines of an output file as [custom_id, answer text], sorted. */
function answers(store: SqliteBatchStore, fileId: string | undefined): Array<[string, string | undefined]> {
  return lines(store, fileId)
    .map((l): [string, string | undefined] => [l.custom_id, l.response.body.choices?.[0]?.message.content])
    .sort();
}

/** Waits (by yielding to I/O, not by timing) until the condition holds. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 2_000 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 2));
  expect(condition()).toBe(true);
}

describe.each(['openai', 'anthropic', 'gemini'] as const)('native batch through the %s batch API', (kind) => {
  it('sends the lines as one provider batch, maps results back by custom_id, and charges half the list price', async () => {
    const { fake, accounting, open } = await setup(kind);
    const { store, runner } = open();
    const file = runner.uploadFile(input(['alpha', 'beta', 'fail', 'gamma']), { purpose: 'batch', filename: 'in.jsonl' });
    const batch = runner.create({ inputFileId: file.id, endpoint: '/v1/chat/completions', completionWindow: '24h' });
    await until(() => fake.batches.size === 1 && store.nativeGroups(batch.id)[0]?.status === 'submitted');
    // While the provider works, each line holds its worst case at the batch price.
    expect(accounting.reservations().count).toBe(4);
    expect(store.getBatch(batch.id)).toMatchObject({ status: 'in_progress', total: 4, completed: 0 });
    fake.finish();
    await runner.whenIdle(batch.id);

    const done = store.getBatch(batch.id);
    expect(done).toMatchObject({ status: 'completed', total: 4, completed: 3, failed: 1 });
    const output = lines(store, done?.outputFileId);
    expect(answers(store, done?.outputFileId)).toEqual([
      ['q-0', 'echo: alpha'],
      ['q-1', 'echo: beta'],
      ['q-3', 'echo: gamma'],
    ]);
    for (const line of output) expect(line.response.body.switchyard?.cost_usd).toBeCloseTo(LIST_PRICE * 0.5, 12);
    const errors = lines(store, done?.errorFileId);
    expect(errors.map((l) => [l.custom_id, l.response.status_code])).toEqual([['q-2', 400]]);
    expect(fake.directCalls()).toHaveLength(0);
    expect([...fake.batches.values()][0]?.requests).toHaveLength(4);

    // Ledger and budgets: three answered lines at the batch price, nothing held any more.
    expect(accounting.reservations()).toEqual({ count: 0, totalUsd: 0 });
    await accounting.accounting.ledger.flush();
    const spend = await accounting.accounting.store.ledger.spendByScope(0);
    const total = spend.reduce((sum, row) => sum + (row.scope === 'global' ? row.costUsd : 0), 0);
    expect(total).toBeCloseTo(3 * LIST_PRICE * 0.5, 12);
  });

  it('resumes polling the same provider batch after a restart: no line is sent or answered twice', async () => {
    const { fake, open } = await setup(kind);
    const first = open();
    const file = first.runner.uploadFile(input(['one', 'two', 'three']), { purpose: 'batch', filename: 'in.jsonl' });
    const batch = first.runner.create({ inputFileId: file.id, endpoint: '/v1/chat/completions', completionWindow: '24h' });
    await until(() => first.store.nativeGroups(batch.id)[0]?.status === 'submitted');
    await first.runner.close();
    first.store.close();

    const second = open();
    second.runner.resume();
    fake.finish();
    await second.runner.whenIdle(batch.id);
    const done = second.store.getBatch(batch.id);
    expect(done).toMatchObject({ status: 'completed', total: 3, completed: 3, failed: 0 });
    expect(lines(second.store, done?.outputFileId).map((l) => l.custom_id).sort()).toEqual(['q-0', 'q-1', 'q-2']);
    expect(fake.batches.size).toBe(1);
    expect(fake.directCalls()).toHaveLength(0);
  });

  it('submits a provider batch again after a restart cut its creation (no provider id committed yet), and answers each line once', async () => {
    const { fake, open } = await setup(kind);
    const first = open();
    const file = first.runner.uploadFile(input(['p', 'q']), { purpose: 'batch', filename: 'in.jsonl' });
    // The provider never answers the create call: the process dies waiting for it.
    fake.holdCreates(true);
    const batch = first.runner.create({ inputFileId: file.id, endpoint: '/v1/chat/completions', completionWindow: '24h' });
    await until(() => fake.heldCreates() === 1);
    expect(first.store.nativeGroups(batch.id)[0]).toMatchObject({ status: 'submitting' });
    await first.runner.close();
    first.store.close();
    fake.holdCreates(false);

    const second = open();
    second.runner.resume();
    await until(() => second.store.nativeGroups(batch.id)[0]?.status === 'submitted');
    fake.finish();
    await second.runner.whenIdle(batch.id);
    const done = second.store.getBatch(batch.id);
    expect(done).toMatchObject({ status: 'completed', total: 2, completed: 2 });
    expect(lines(second.store, done?.outputFileId).map((l) => l.custom_id).sort()).toEqual(['q-0', 'q-1']);
    expect(fake.batches.size).toBe(1);
  });

  it(`${KINDS[kind].adopts ? 'adopts' : 'sends again'} a provider batch accepted before its id was committed, and answers each line once`, async () => {
    const { fake, open } = await setup(kind);
    const first = open();
    const file = first.runner.uploadFile(input(['p', 'q']), { purpose: 'batch', filename: 'in.jsonl' });
    // The provider creates the batch, but its answer never arrives: the process dies waiting for it.
    fake.holdCreates(true, { accept: true });
    const batch = first.runner.create({ inputFileId: file.id, endpoint: '/v1/chat/completions', completionWindow: '24h' });
    await until(() => fake.heldCreates() === 1 && fake.batches.size === 1);
    await first.runner.close();
    first.store.close();
    fake.holdCreates(false);

    const second = open();
    second.runner.resume();
    await until(() => second.store.nativeGroups(batch.id)[0]?.status === 'submitted');
    const providerId = second.store.nativeGroups(batch.id)[0]?.providerBatchId;
    fake.finish();
    await second.runner.whenIdle(batch.id);
    const done = second.store.getBatch(batch.id);
    expect(done).toMatchObject({ status: 'completed', total: 2, completed: 2 });
    expect(lines(second.store, done?.outputFileId).map((l) => l.custom_id).sort()).toEqual(['q-0', 'q-1']);
    if (KINDS[kind].adopts) {
      expect(fake.batches.size).toBe(1);
      expect(providerId).toBe([...fake.batches.keys()][0]);
    } else {
      // Anthropic keeps no caller data on a batch to recognise it by: the documented resend.
      expect(fake.batches.size).toBe(2);
    }
    expect(fake.directCalls()).toHaveLength(0);
  });

  it('runs a line the provider batch failed with a retryable error on the direct path, at the list price; a refused one goes to the error file', async () => {
    const { fake, open } = await setup(kind);
    const { store, runner } = open();
    const file = runner.uploadFile(input(['alpha', 'busy', 'fail']), { purpose: 'batch', filename: 'in.jsonl' });
    const batch = runner.create({ inputFileId: file.id, endpoint: '/v1/chat/completions', completionWindow: '24h' });
    await until(() => store.nativeGroups(batch.id)[0]?.status === 'submitted');
    fake.finish();
    await runner.whenIdle(batch.id);
    const done = store.getBatch(batch.id);
    expect(done).toMatchObject({ status: 'completed', total: 3, completed: 2, failed: 1 });
    const output = lines(store, done?.outputFileId);
    expect(answers(store, done?.outputFileId)).toEqual([
      ['q-0', 'echo: alpha'],
      ['q-1', 'echo: busy'],
    ]);
    const cost = Object.fromEntries(output.map((l) => [l.custom_id, l.response.body.switchyard?.cost_usd]));
    expect(cost['q-0']).toBeCloseTo(LIST_PRICE * 0.5, 12);
    expect(cost['q-1']).toBeCloseTo(LIST_PRICE, 12);
    expect(lines(store, done?.errorFileId).map((l) => [l.custom_id, l.response.status_code])).toEqual([['q-2', 400]]);
    expect(fake.directCalls()).toHaveLength(1);
    expect(fake.batches.size).toBe(1);
  });

  it('after a crash while a handed-back line ran directly, runs it directly again (not in a new provider batch), once', async () => {
    const { fake, open } = await setup(kind);
    const first = open();
    const file = first.runner.uploadFile(input(['alpha', 'busy']), { purpose: 'batch', filename: 'in.jsonl' });
    fake.holdDirect(true);
    const batch = first.runner.create({ inputFileId: file.id, endpoint: '/v1/chat/completions', completionWindow: '24h' });
    await until(() => first.store.nativeGroups(batch.id)[0]?.status === 'submitted');
    fake.finish();
    await until(() => fake.heldDirect() === 1);
    // The process dies: nothing it does from here on is committed.
    first.store.close();
    fake.holdDirect(false);

    const second = open();
    second.runner.resume();
    await second.runner.whenIdle(batch.id);
    const done = second.store.getBatch(batch.id);
    expect(done).toMatchObject({ status: 'completed', total: 2, completed: 2, failed: 0 });
    expect(answers(second.store, done?.outputFileId)).toEqual([
      ['q-0', 'echo: alpha'],
      ['q-1', 'echo: busy'],
    ]);
    expect(fake.batches.size).toBe(1);
    // The dead process's call is answered now; it can commit nothing.
    expect(fake.releaseDirect()).toBe(1);
    await first.runner.whenIdle(batch.id);
    expect(second.store.lineResults(batch.id)).toHaveLength(2);
  });

  it('passes a cancel on to the provider and keeps polling until the provider batch has ended', async () => {
    const { fake, accounting, open } = await setup(kind);
    const { store, runner } = open();
    const file = runner.uploadFile(input(['a', 'b']), { purpose: 'batch', filename: 'in.jsonl' });
    const batch = runner.create({ inputFileId: file.id, endpoint: '/v1/chat/completions', completionWindow: '24h' });
    await until(() => store.nativeGroups(batch.id)[0]?.status === 'submitted');
    expect(runner.cancel(batch.id).status).toBe('cancelling');
    await until(() => [...fake.batches.values()][0]?.cancelled === true);
    expect(store.getBatch(batch.id)?.status).toBe('cancelling');
    // What the provider finished before it stopped is still delivered and charged.
    fake.finish();
    await runner.whenIdle(batch.id);
    expect(store.getBatch(batch.id)).toMatchObject({ status: 'cancelled', completed: 2 });
    expect(accounting.reservations().count).toBe(0);
  });

  it('runs nothing more once cancelled: a line the cancelled provider batch failed with a retryable error goes to the error file', async () => {
    const { fake, open } = await setup(kind);
    const { store, runner } = open();
    const file = runner.uploadFile(input(['a', 'busy']), { purpose: 'batch', filename: 'in.jsonl' });
    const batch = runner.create({ inputFileId: file.id, endpoint: '/v1/chat/completions', completionWindow: '24h' });
    await until(() => store.nativeGroups(batch.id)[0]?.status === 'submitted');
    runner.cancel(batch.id);
    await until(() => [...fake.batches.values()][0]?.cancelled === true);
    fake.finish();
    await runner.whenIdle(batch.id);
    const done = store.getBatch(batch.id);
    expect(done).toMatchObject({ status: 'cancelled', completed: 1, failed: 1 });
    expect(lines(store, done?.errorFileId).map((l) => l.custom_id)).toEqual(['q-1']);
    expect(fake.directCalls()).toHaveLength(0);
  });

  it('sends nothing to the batch API when the batch turns native off in its metadata', async () => {
    const { fake, open } = await setup(kind);
    const { store, runner } = open();
    fake.upstream.setHandler(() => ({ kind: 'json', status: 500, body: {} }));
    const file = runner.uploadFile(input(['x']), { purpose: 'batch', filename: 'in.jsonl' });
    const batch = runner.create({ inputFileId: file.id, endpoint: '/v1/chat/completions', completionWindow: '24h', metadata: { switchyard_native: 'off' } });
    await runner.whenIdle(batch.id);
    expect(fake.batches.size).toBe(0);
    expect(fake.directCalls().length).toBeGreaterThan(0);
    expect(store.nativeGroups(batch.id)).toEqual([]);
  });
});
