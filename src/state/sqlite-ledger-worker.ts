import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { LedgerThreadData, LedgerThreadReply, LedgerThreadRequest } from './ledger-thread-messages.js';
import { prepareLedgerAppend } from './sqlite-ledger-append.js';
import { WalSyncer } from './wal-syncer.js';

/*
 * The ledger writer thread (see SqliteLedgerThread): its own connection to the store's file runs
 * the ledger transactions and the WAL sync, so that the gateway's event loop pays for neither.
 * Batches are committed in arrival order; each gets one reply, once it is committed and synced.
 */
const data = workerData as LedgerThreadData;
if (parentPort === null) throw new Error('sqlite-ledger-worker runs as a worker thread');
const port: MessagePort = parentPort;

const db = new Database(data.path);
// The main connection writes keys and budgets now and then: wait for its lock instead of failing.
db.pragma('busy_timeout = 5000');
db.pragma(`synchronous = ${data.synchronous}`);
const append = prepareLedgerAppend(db);
const walSyncer = data.walPath === undefined ? undefined : new WalSyncer(data.walPath);

const outstanding = new Set<Promise<void>>();

function reply(id: number, error?: unknown): void {
  const message: LedgerThreadReply = error === undefined ? { id } : { id, error: error instanceof Error ? error.message : String(error) };
  port.postMessage(message);
}

async function close(id: number): Promise<void> {
  await Promise.all(outstanding);
  await walSyncer?.close();
  db.close();
  reply(id);
  port.close();
}

port.on('message', (request: LedgerThreadRequest) => {
  if (request.rows === undefined) {
    void close(request.id);
    return;
  }
  try {
    append(request.rows);
  } catch (error) {
    reply(request.id, error);
    return;
  }
  // Batches that arrive while a sync runs share the next one (WalSyncer), as on the main thread.
  const synced = (walSyncer?.sync() ?? Promise.resolve()).then(
    () => reply(request.id),
    (error: unknown) => reply(request.id, error),
  );
  outstanding.add(synced);
  void synced.finally(() => outstanding.delete(synced));
});
