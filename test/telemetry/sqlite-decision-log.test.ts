import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { SQLITE_WRITER_RESOURCE_LIMITS } from '../../src/engine/open-sqlite-writer-thread.js';
import type { LedgerEntry } from '../../src/state/ledger-entry.js';
import { SqliteJobThread } from '../../src/state/sqlite-job-thread.js';
import { SqliteStore } from '../../src/state/sqlite-store.js';
import type { DecisionQuery } from '../../src/telemetry/decision-record.js';
import { toDecisionRecord } from '../../src/telemetry/decision-recorder.js';
import { MemoryDecisionLog } from '../../src/telemetry/memory-decision-log.js';
import { SqliteDecisionLog } from '../../src/telemetry/sqlite-decision-log.js';
import { finished, makeDecision } from '../dashboard/telemetry-fixtures.js';
import { REPO, transpileSources } from '../support/transpile-sources.js';

const records = [
  toDecisionRecord(makeDecision('d1', 'coding', [['big/m', 0.1], ['small/m', 0.01]]), finished('r1', 'big/m', { at: 1_000 })),
  toDecisionRecord(
    makeDecision('d2', 'chat', [['small/m', 0.01], ['big/m', 0.1]]),
    finished('r2', 'big/m', {
      at: 2_000,
      attempts: [
        { deploymentId: 'small/m', role: 'first', outcome: 'server_error', latencyMs: 50 },
        { deploymentId: 'big/m', role: 'fallback', outcome: 'ok', latencyMs: 900 },
      ],
    }),
  ),
  toDecisionRecord(makeDecision('d3', 'chat', [['small_m/x', 0.01]]), finished('r3', 'small_m/x', { at: 3_000 })),
];

// The writer thread runs compiled JavaScript: the sources, types stripped, inside the checkout so
// that the thread resolves better-sqlite3 from node_modules. Its script is the gateway's, which
// serves the decision log's job and the ledger's.
const compiled = join(REPO, 'test-artifacts', `decision-thread-${process.pid}`);
const worker = pathToFileURL(join(compiled, 'src', 'engine', 'sqlite-writer-worker.js'));
/** The log's options for a thread running `script`, or for none. */
const thread = (script: URL | null, onError?: (error: Error) => void): { writerThread?: SqliteJobThread } =>
  script === null ? {} : { writerThread: new SqliteJobThread({ script, ...(onError ? { onError } : {}) }) };
beforeAll(() => transpileSources(compiled));
afterAll(() => rmSync(compiled, { recursive: true, force: true }));

/** A thread script that exits before reading any message, `times` times (counted in a file), then runs the real one. */
function dyingWorker(times: number): URL {
  const script = join(compiled, `dying-${times}-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(`${script}.count`, '0');
  writeFileSync(
    script,
    `import { readFileSync, writeFileSync } from 'node:fs';
const deaths = Number(readFileSync(${JSON.stringify(`${script}.count`)}, 'utf8'));
if (deaths < ${times}) {
  writeFileSync(${JSON.stringify(`${script}.count`)}, String(deaths + 1));
  process.exit(3);
}
await import(${JSON.stringify(worker.href)});
`,
  );
  return pathToFileURL(script);
}

describe.each([
  ['written on its own connection', null],
  ['written by its thread', worker],
])('SqliteDecisionLog, %s', (_name, script) => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('answers every query like the memory log, and keeps records across reopening', async () => {
    dir = mkdtempSync(join(tmpdir(), 'decisions-'));
    const path = join(dir, 'decisions.sqlite');
    const now = (): number => 10_000;
    const sqlite = new SqliteDecisionLog({ path, now, ...thread(script) });
    const memory = new MemoryDecisionLog({ now });
    for (const record of records) {
      sqlite.append(record);
      memory.append(record);
    }
    const queries: DecisionQuery[] = [{}, { id: 'd2' }, { task: 'chat' }, { deployment: 'small/m' }, { deployment: 'small_m/x' }, { from: 1_500, to: 3_000 }, { limit: 1 }, { deployment: 'nobody' }];
    for (const query of queries) {
      expect((await sqlite.query(query)).map((r) => r.id), JSON.stringify(query)).toEqual((await memory.query(query)).map((r) => r.id));
    }
    expect(await sqlite.get('d2')).toEqual(records[1]);
    // Appended after a flush handed a batch to the writer: a read still waits for both.
    sqlite.append({ ...records[0]!, id: 'd4', at: 4_000 });
    sqlite.flush();
    sqlite.append({ ...records[0]!, id: 'd5', at: 5_000 });
    expect((await sqlite.query({ limit: 2 })).map((r) => r.id)).toEqual(['d5', 'd4']);
    sqlite.append({ ...records[0]!, id: 'd6', at: 6_000 });
    await sqlite.close();
    const reopened = new SqliteDecisionLog({ path, now, ...thread(script) });
    expect((await reopened.query({})).map((r) => r.id)).toEqual(['d6', 'd5', 'd4', 'd3', 'd2', 'd1']);
    await reopened.close();
  });

  it('drops records past retention', async () => {
    dir = mkdtempSync(join(tmpdir(), 'decisions-'));
    let now = 10_000;
    const log = new SqliteDecisionLog({ path: join(dir, 'decisions.sqlite'), retentionMs: 5_000, now: () => now, ...thread(script) });
    for (const record of records) log.append(record);
    expect(await log.query({})).toHaveLength(0);
    now = 6_500;
    expect((await log.query({})).map((r) => r.id)).toEqual(['d3', 'd2']);
    expect(await log.get('d1')).toBeUndefined();
    await log.close();
  });
});

describe('SqliteDecisionLog flush timing', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'decisions-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Rows in the file as another connection sees them, without the log's own read (which flushes). */
  const rowsIn = (path: string): number => {
    const reader = new Database(path, { readonly: true });
    try {
      return (reader.prepare('SELECT COUNT(*) AS n FROM decision_log').get() as { n: number }).n;
    } finally {
      reader.close();
    }
  };

  it('with the writer thread, hands records over within moments, not after the interval', async () => {
    const path = join(dir, 'soon.sqlite');
    const log = new SqliteDecisionLog({ path, now: () => 10_000, flushIntervalMs: 3_600_000, ...thread(worker) });
    for (const record of records) log.append(record);
    await expect.poll(() => rowsIn(path), { timeout: 5_000 }).toBe(3);
    await log.close();
  });

  it('on its own connection, keeps them for one transaction per interval or per full batch', async () => {
    const path = join(dir, 'batched.sqlite');
    const log = new SqliteDecisionLog({ path, now: () => 10_000, flushIntervalMs: 3_600_000, flushBatch: 4 });
    for (const record of records) log.append(record);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(rowsIn(path)).toBe(0);
    log.append({ ...records[0]!, id: 'd4', at: 4_000 });
    await expect.poll(() => rowsIn(path)).toBe(4);
    await log.close();
  });
});

describe('SqliteDecisionLog writer thread failures', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'decisions-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('queues the records of a thread that dies again, says so, and writes them with the next thread', async () => {
    const errors: Error[] = [];
    const threadErrors: Error[] = [];
    const path = join(dir, 'dies-once.sqlite');
    const log = new SqliteDecisionLog({ path, now: () => 10_000, ...thread(dyingWorker(1), (error) => threadErrors.push(error)), onError: (error) => errors.push(error) });
    for (const record of records) log.append(record);
    log.flush();
    await expect.poll(() => errors.length).toBe(1);
    expect(errors[0]?.message).toMatch(/queued again: The SQLite writer thread died \(it exited with code 3\); 1 writes were not confirmed/);
    expect(threadErrors).toHaveLength(1);
    log.flush();
    await log.close();
    const reopened = new SqliteDecisionLog({ path, now: () => 10_000 });
    expect((await reopened.query({})).map((r) => r.id)).toEqual(['d3', 'd2', 'd1']);
    await reopened.close();
    expect(errors).toHaveLength(1);
  });

  it('writes on its own connection once the thread cannot be started, without losing a record', async () => {
    const errors: Error[] = [];
    const threadErrors: Error[] = [];
    const log = new SqliteDecisionLog({ path: join(dir, 'no-thread.sqlite'), now: () => 10_000, ...thread(pathToFileURL(join(compiled, 'no-such-worker.js')), (error) => threadErrors.push(error)), onError: (error) => errors.push(error) });
    for (const record of records) {
      log.append(record);
      log.flush();
      // Each read waits for the failed write and writes its records itself.
      expect((await log.query({ limit: 1 })).map((r) => r.id)).toEqual([record.id]);
    }
    expect(errors).toHaveLength(3);
    expect(threadErrors).toHaveLength(3);
    expect(threadErrors[2]?.message).toMatch(/written on the main thread from now on/);
    log.append({ ...records[0]!, id: 'd4', at: 4_000 });
    expect(await log.get('d4')).toMatchObject({ id: 'd4' });
    expect(errors).toHaveLength(3);
    await log.close();
  });
});

describe('SqliteDecisionLog and the SQLite ledger on one writer thread', () => {
  it('both write through the one thread, its death rejects the work of both, and closing both ends it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'decisions-'));
    const threadErrors: Error[] = [];
    // With the heap limits the gateway gives the thread.
    const writerThread = new SqliteJobThread({ script: dyingWorker(1), onError: (error) => threadErrors.push(error), resourceLimits: SQLITE_WRITER_RESOURCE_LIMITS });
    const store = await SqliteStore.open({ dataDir: dir, writerThread });
    const log = new SqliteDecisionLog({ path: join(dir, 'decisions.sqlite'), now: () => 10_000, writerThread });
    const entry: LedgerEntry = {
      id: 'l1', kind: 'request', requestId: 'r1', keyId: 'k1', inputTokens: 1, outputTokens: 1, cachedInputTokens: 0,
      costUsd: 1, latencyMs: 1, outcome: 'ok', cacheHit: false, streamed: false, startedAt: 1_000, endedAt: 1_000,
    };
    for (const record of records) log.append(record);
    log.flush();
    await expect(store.ledger.appendEntries([entry])).rejects.toThrow(/2 writes were not confirmed/);
    expect(threadErrors).toHaveLength(1);
    // The next thread opens both jobs: the retried batch and the queued records are written there.
    await store.ledger.appendEntries([entry]);
    log.flush();
    expect((await log.query({})).map((r) => r.id)).toEqual(['d3', 'd2', 'd1']);
    await log.close();
    expect(await store.ledger.countEntries()).toBe(1);
    await store.close();
    // Both files were written by the thread's connections, and neither is held open any more.
    const decisions = new Database(join(dir, 'decisions.sqlite'), { readonly: true });
    expect(decisions.prepare('SELECT COUNT(*) AS n FROM decision_log').get()).toEqual({ n: 3 });
    decisions.close();
    expect(threadErrors).toHaveLength(1);
    rmSync(dir, { recursive: true, force: true });
  });
});
