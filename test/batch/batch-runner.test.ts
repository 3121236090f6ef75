import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BatchRunner } from '../../src/engine/batch/batch-runner.js';
import type { ChatResult, Gateway, RequestContext } from '../../src/engine/gateway.js';
import { chatCompletionBody } from '../../src/server/chat-completion-body.js';
import { parseChatRequest } from '../../src/server/parse-chat-request.js';
import type { ChatRequest } from '../../src/spec/chat-request.js';
import { SqliteBatchStore } from '../../src/state/batch/sqlite-batch-store.js';
import { ScriptedInnerGateway } from '../cache/scripted-inner-gateway.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function jsonl(count: number): Buffer {
  const lines = Array.from({ length: count }, (_, i) =>
    JSON.stringify({ custom_id: `req-${i}`, method: 'POST', url: '/v1/chat/completions', body: { model: 'auto', messages: [{ role: 'user', content: `question ${i}` }] } }),
  );
  return Buffer.from(`${lines.join('\n')}\n`);
}

/** Counts upstream calls per question; `hangAfter` makes later calls never return (a process about to die). */
class CountingGateway extends ScriptedInnerGateway {
  readonly seen: string[] = [];
  hangAfter = Infinity;
  override async chat(request: ChatRequest, _context?: RequestContext): Promise<ChatResult> {
    const content = request.messages.at(-1)?.content;
    this.seen.push(typeof content === 'string' ? content : '?');
    if (this.seen.length > this.hangAfter) return new Promise<never>(() => undefined);
    if (content === 'question 3') throw Object.assign(new Error('bad'), {});
    return super.chat(request);
  }
}

function runnerOn(store: SqliteBatchStore, gateway: Gateway, concurrency = 2): BatchRunner {
  return new BatchRunner({ store, gateway: () => gateway, concurrency, parseRequest: parseChatRequest, formatResponse: chatCompletionBody });
}

function outputIds(store: SqliteBatchStore, fileId: string | undefined): string[] {
  if (fileId === undefined) return [];
  const text = store.getFileContent(fileId)?.toString('utf8') ?? '';
  return text.trim().split('\n').map((line) => (JSON.parse(line) as { custom_id: string }).custom_id);
}

function tempStorePath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sy-batch-'));
  dirs.push(dir);
  return join(dir, 'batches.sqlite');
}

describe('BatchRunner', () => {
  it('runs every line, writes output and error files in the Batch API shape, at the list price when run directly', async () => {
    const store = new SqliteBatchStore(tempStorePath());
    const gateway = new CountingGateway();
    const runner = runnerOn(store, gateway);
    const file = runner.uploadFile(jsonl(6), { purpose: 'batch', filename: 'in.jsonl' });
    const batch = runner.create({ inputFileId: file.id, endpoint: '/v1/chat/completions', completionWindow: '24h' });
    expect(batch.status).toBe('in_progress');
    await runner.whenIdle(batch.id);
    const done = store.getBatch(batch.id);
    expect(done).toMatchObject({ status: 'completed', total: 6, completed: 5, failed: 1 });
    expect(outputIds(store, done?.outputFileId).sort()).toEqual(['req-0', 'req-1', 'req-2', 'req-4', 'req-5']);
    expect(outputIds(store, done?.errorFileId)).toEqual(['req-3']);
    const first = JSON.parse(store.getFileContent(done?.outputFileId ?? '')?.toString('utf8').split('\n')[0] ?? '{}') as { response: { body: { switchyard: { cost_usd: number } } } };
    expect(first).toMatchObject({ custom_id: 'req-0', error: null, response: { status_code: 200, body: { object: 'chat.completion' } } });
    expect(first.response.body.switchyard.cost_usd).toBeCloseTo(0.001);
    const failed = JSON.parse(store.getFileContent(done?.errorFileId ?? '')?.toString('utf8') ?? '{}') as { response: { status_code: number; body: { error?: unknown } } };
    expect(failed.response.status_code).toBe(500);
    expect(failed.response.body.error).toBeDefined();
    store.close();
  });

  it('refuses a malformed input file with a failed batch', () => {
    const store = new SqliteBatchStore(tempStorePath());
    const runner = runnerOn(store, new CountingGateway());
    const bad = Buffer.from('{"custom_id":"a","method":"POST","url":"/v1/embeddings","body":{}}\n');
    const file = runner.uploadFile(bad, { purpose: 'batch', filename: 'bad.jsonl' });
    const batch = runner.create({ inputFileId: file.id, endpoint: '/v1/chat/completions', completionWindow: '24h' });
    expect(batch.status).toBe('failed');
    expect(batch.errors?.[0]?.code).toBe('mismatched_endpoint');
    store.close();
  });

  it('after a graceful stop, a restart finishes the batch with every line run exactly once', async () => {
    const path = tempStorePath();
    const store1 = new SqliteBatchStore(path);
    const gateway1 = new CountingGateway();
    gateway1.delayMs = 5;
    const runner1 = runnerOn(store1, gateway1);
    const file = runner1.uploadFile(jsonl(20), { purpose: 'batch', filename: 'in.jsonl' });
    const batch = runner1.create({ inputFileId: file.id, endpoint: '/v1/chat/completions', completionWindow: '24h' });
    await new Promise((resolve) => setTimeout(resolve, 25));
    await runner1.close();
    store1.close();
    const firstRun = gateway1.seen.length;
    expect(firstRun).toBeGreaterThan(0);
    expect(firstRun).toBeLessThan(20);

    const store2 = new SqliteBatchStore(path);
    expect(store2.getBatch(batch.id)).toMatchObject({ status: 'in_progress', completed: expect.any(Number) });
    const gateway2 = new CountingGateway();
    const runner2 = runnerOn(store2, gateway2);
    runner2.resume();
    await runner2.whenIdle(batch.id);
    const all = [...gateway1.seen, ...gateway2.seen];
    expect(all).toHaveLength(20);
    expect(new Set(all).size).toBe(20);
    const done = store2.getBatch(batch.id);
    expect(done).toMatchObject({ status: 'completed', completed: 19, failed: 1 });
    const ids = [...outputIds(store2, done?.outputFileId), ...outputIds(store2, done?.errorFileId)];
    expect(ids).toHaveLength(20);
    expect(new Set(ids).size).toBe(20);
    store2.close();
  });

  it('after a crash, only the lines without a committed result run again; the output has each line once', async () => {
    const path = tempStorePath();
    const store1 = new SqliteBatchStore(path);
    const gateway1 = new CountingGateway();
    gateway1.hangAfter = 7; // the process "dies" with two lines in flight
    const runner1 = runnerOn(store1, gateway1);
    const file = runner1.uploadFile(jsonl(12), { purpose: 'batch', filename: 'in.jsonl' });
    const batch = runner1.create({ inputFileId: file.id, endpoint: '/v1/chat/completions', completionWindow: '24h' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const committed = store1.doneLines(batch.id);
    expect(committed.size).toBe(7);
    store1.close(); // abandoned: the hung calls never commit

    const store2 = new SqliteBatchStore(path);
    const gateway2 = new CountingGateway();
    const runner2 = runnerOn(store2, gateway2);
    runner2.resume();
    await runner2.whenIdle(batch.id);
    // Nothing that had committed ran again.
    const rerun = gateway2.seen.map((q) => Number(q.split(' ')[1]));
    for (const index of rerun) expect(committed.has(index)).toBe(false);
    expect(rerun).toHaveLength(5);
    const done = store2.getBatch(batch.id);
    expect(done).toMatchObject({ status: 'completed', total: 12, completed: 11, failed: 1 });
    const ids = [...outputIds(store2, done?.outputFileId), ...outputIds(store2, done?.errorFileId)];
    expect(ids.sort()).toEqual(Array.from({ length: 12 }, (_, i) => `req-${i}`).sort());
    store2.close();
  });

  it('cancels: stops starting lines and writes what finished', async () => {
    const store = new SqliteBatchStore(tempStorePath());
    const gateway = new CountingGateway();
    gateway.delayMs = 5;
    const runner = runnerOn(store, gateway, 1);
    const file = runner.uploadFile(jsonl(30), { purpose: 'batch', filename: 'in.jsonl' });
    const batch = runner.create({ inputFileId: file.id, endpoint: '/v1/chat/completions', completionWindow: '24h' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(runner.cancel(batch.id).status).toBe('cancelling');
    await runner.whenIdle(batch.id);
    const done = store.getBatch(batch.id);
    expect(done?.status).toBe('cancelled');
    expect((done?.completed ?? 0) + (done?.failed ?? 0)).toBe(gateway.seen.length);
    expect(gateway.seen.length).toBeLessThan(30);
    store.close();
  });
});
