// Child process for ledger-crash.test.ts: runs the compiled ledger writer over a SQLite store
// under concurrent load and prints the id of each request once its entry is durable, the way a
// server would end a response. The parent kills it with SIGKILL mid-load.
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { setImmediate } from 'node:timers';

const [compiledDir, dataDir] = process.argv.slice(2);
const load = (path) => import(pathToFileURL(join(compiledDir, path)).href);
const { SqliteStore } = await load('src/state/index.js');
const { LedgerWriter } = await load('src/accounting/index.js');

const store = await SqliteStore.open({ dataDir });
const writer = new LedgerWriter({ store: store.ledger, flushIntervalMs: 50 });

const entry = (id, kind, extra = {}) => {
  const now = Date.now();
  return {
    id, kind, requestId: id, keyId: 'k1', deploymentId: 'sim/model', inputTokens: 10, outputTokens: 20,
    cachedInputTokens: 0, costUsd: 0.0001, latencyMs: 1, outcome: 'ok', cacheHit: false, streamed: false,
    startedAt: now, endedAt: now, ...extra,
  };
};

let next = 0;
async function client(c) {
  for (;;) {
    const id = `c${c}-${next++}`;
    // Attempt rows go the background way; the request row is awaited before the "response" ends.
    writer.record(entry(`${id}#0`, 'attempt', { requestId: id, attempt: 0 }));
    await writer.recordDurably(entry(id, 'request'));
    process.stdout.write(`${id}\n`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

process.stdout.write('ready\n');
for (let c = 0; c < 64; c++) void client(c);
