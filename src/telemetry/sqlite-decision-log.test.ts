import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { finished, makeDecision } from '../../test/dashboard/telemetry-fixtures.js';
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

describe('SqliteDecisionLog', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('answers every query like the memory log, and keeps records across reopening', async () => {
    dir = mkdtempSync(join(tmpdir(), 'decisions-'));
    const path = join(dir, 'decisions.sqlite');
    const now = (): number => 10_000;
    const sqlite = new SqliteDecisionLog({ path, now });
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
    sqlite.close();
    const reopened = new SqliteDecisionLog({ path, now });
    expect((await reopened.query({})).map((r) => r.id)).toEqual(['d3', 'd2', 'd1']);
    reopened.close();
  });

  it('drops records past retention', async () => {
    let now = 10_000;
    const log = new SqliteDecisionLog({ path: ':memory:', retentionMs: 5_000, now: () => now });
    for (const record of records) log.append(record);
    expect(await log.query({})).toHaveLength(0);
    now = 6_500;
    expect((await log.query({})).map((r) => r.id)).toEqual(['d3', 'd2']);
    expect(await log.get('d1')).toBeUndefined();
    log.close();
  });
});
