import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LedgerWriter } from '../../src/accounting/ledger-writer.js';
import { openSqliteWriterThread } from '../../src/engine/open-sqlite-writer-thread.js';
import type { LedgerEntry } from '../../src/state/ledger-entry.js';
import { SqliteStore } from '../../src/state/sqlite-store.js';
import { SqliteDecisionLog } from '../../src/telemetry/sqlite-decision-log.js';
import { mainThreadCpuNs } from './main-thread-cpu.js';
import { SAMPLE_DECISION_RECORD } from './sample-decision-record.js';

/**
 * The SQLite write path of a request alone, as the gateway drives it: an attempt row recorded in
 * the background, a decision record appended, and the request row recorded durably, from 32
 * concurrent "requests" that each wait a millisecond between rounds. Prints the main thread's
 * CPU and the whole process's per request, with the writes on the writer thread (`thread`, needs the
 * build's compiled worker) or on the main connections (`inline`).
 *
 *   node dist/bench/overhead/sqlite-writes-per-request.js [thread|inline] [requests=20000]
 */
const inline = process.argv[2] === 'inline';
const total = Number(process.argv[3] ?? 20_000);
const concurrency = 32;

const dir = mkdtempSync(join(tmpdir(), 'switchyard-writes-'));
const writerThread = inline
  ? undefined
  : openSqliteWriterThread((error) => {
      throw error;
    });
const store = await SqliteStore.open({ dataDir: dir, ...(writerThread ? { writerThread } : {}) });
const ledger = new LedgerWriter({ store: store.ledger });
const decisions = new SqliteDecisionLog({ path: join(dir, 'decisions.sqlite'), ...(writerThread ? { writerThread } : {}) });

function row(id: string, kind: LedgerEntry['kind'], requestId: string): LedgerEntry {
  const now = Date.now();
  return {
    id, kind, requestId, keyId: 'key_jV4nvdtwv4ds', team: 'bench', deploymentId: 'bench/one', inputTokens: 180, outputTokens: 42,
    cachedInputTokens: 0, costUsd: 5.22e-5, latencyMs: 107, outcome: 'ok', cacheHit: false, streamed: false, startedAt: now, endedAt: now,
  };
}

let next = 0;
async function requests(until: number): Promise<void> {
  while (next < until) {
    const id = `req-${next++}`;
    ledger.record({ ...row(`${id}#0`, 'attempt', id), attempt: 0 });
    decisions.append({ ...SAMPLE_DECISION_RECORD, id: `dec-${id}`, requestId: id, at: Date.now() });
    await ledger.recordDurably(row(id, 'request', id));
    await sleep(1);
  }
}

await Promise.all(Array.from({ length: concurrency }, () => requests(2_000)));
const mainBefore = mainThreadCpuNs();
const before = process.cpuUsage();
await Promise.all(Array.from({ length: concurrency }, () => requests(2_000 + total)));
await ledger.flush();
// A read waits for every decision write handed out before it.
await decisions.query({ limit: 1 });
const used = process.cpuUsage(before);
const mainAfter = mainThreadCpuNs();
process.stdout.write(
  `${inline ? 'inline' : 'thread'}: ${total} requests, ` +
    (mainBefore === undefined || mainAfter === undefined ? '' : `main thread ${((mainAfter - mainBefore) / 1000 / total).toFixed(1)} µs CPU per request, `) +
    `process ${((used.user + used.system) / total).toFixed(1)} µs, ${ledger.stats().batches} ledger batches, RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB\n`,
);
await ledger.close();
await decisions.close();
await store.close();
rmSync(dir, { recursive: true, force: true });
