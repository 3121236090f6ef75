import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { finished, makeDecision } from '../../test/dashboard/telemetry-fixtures.js';
import { REPO, transpileSources } from '../../test/support/transpile-sources.js';
import type { DecisionQuery } from './decision-record.js';
import { toDecisionRecord } from './decision-recorder.js';
import { MemoryDecisionLog } from './memory-decision-log.js';
import { SqliteDecisionLog } from './sqlite-decision-log.js';

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
// that the thread resolves better-sqlite3 from node_modules.
const compiled = join(REPO, 'test-artifacts', `decision-thread-${process.pid}`);
const worker = pathToFileURL(join(compiled, 'src', 'telemetry', 'sqlite-decision-worker.js'));
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
    const sqlite = new SqliteDecisionLog({ path, now, worker: script });
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
    const reopened = new SqliteDecisionLog({ path, now, worker: script });
    expect((await reopened.query({})).map((r) => r.id)).toEqual(['d6', 'd5', 'd4', 'd3', 'd2', 'd1']);
    await reopened.close();
  });

  it('drops records past retention', async () => {
    dir = mkdtempSync(join(tmpdir(), 'decisions-'));
    let now = 10_000;
    const log = new SqliteDecisionLog({ path: join(dir, 'decisions.sqlite'), retentionMs: 5_000, now: () => now, worker: script });
    for (const record of records) log.append(record);
    expect(await log.query({})).toHaveLength(0);
    now = 6_500;
    expect((await log.query({})).map((r) => r.id)).toEqual(['d3', 'd2']);
    expect(await log.get('d1')).toBeUndefined();
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
    const path = join(dir, 'dies-once.sqlite');
    const log = new SqliteDecisionLog({ path, now: () => 10_000, worker: dyingWorker(1), onError: (error) => errors.push(error) });
    for (const record of records) log.append(record);
    log.flush();
    await expect.poll(() => errors.length).toBe(1);
    expect(errors[0]?.message).toMatch(/writer thread died \(it exited with code 3\); the records of its 1 unanswered requests are queued again/);
    log.flush();
    await log.close();
    const reopened = new SqliteDecisionLog({ path, now: () => 10_000, worker: null });
    expect((await reopened.query({})).map((r) => r.id)).toEqual(['d3', 'd2', 'd1']);
    await reopened.close();
    expect(errors).toHaveLength(1);
  });

  it('writes on its own connection once the thread cannot be started, without losing a record', async () => {
    const errors: Error[] = [];
    const log = new SqliteDecisionLog({ path: join(dir, 'no-thread.sqlite'), now: () => 10_000, worker: pathToFileURL(join(compiled, 'no-such-worker.js')), onError: (error) => errors.push(error) });
    for (const record of records) {
      log.append(record);
      log.flush();
      // Each read waits for the failed write and writes its records itself.
      expect((await log.query({ limit: 1 })).map((r) => r.id)).toEqual([record.id]);
    }
    expect(errors).toHaveLength(3);
    expect(errors[2]?.message).toMatch(/written on the main thread from now on/);
    log.append({ ...records[0]!, id: 'd4', at: 4_000 });
    expect(await log.get('d4')).toMatchObject({ id: 'd4' });
    expect(errors).toHaveLength(3);
    await log.close();
  });
});
