import Database from 'better-sqlite3';
import { prepareLedgerAppend, type LedgerRowValues } from './sqlite-ledger-append.js';
import type { SqliteJob } from './sqlite-job.js';
import { WalSyncer } from './wal-syncer.js';

/** The name the ledger's job is registered under with the SQLite writer thread. */
export const LEDGER_JOB = 'ledger';

/** What the ledger's job opens with. */
export interface LedgerJobData {
  /** The SQLite file; the store's main connection has already migrated it and set WAL mode. */
  path: string;
  /** The store's sync mode, for this connection too. */
  synchronous: 'FULL' | 'NORMAL';
  /** When set, the job fdatasyncs this WAL file after each batch, before it is answered. */
  walPath?: string;
}

/**
 * The ledger's job in the SQLite writer thread: a connection of its own to the store's file runs
 * the ledger transactions and the WAL sync, so that the gateway's event loop pays for neither.
 * Each batch (an array of LedgerRowValues) is done once committed and synced.
 */
export function openLedgerJob(data: unknown): SqliteJob {
  const { path, synchronous, walPath } = data as LedgerJobData;
  const db = new Database(path);
  // The main connection writes keys and budgets now and then: wait for its lock instead of failing.
  db.pragma('busy_timeout = 5000');
  db.pragma(`synchronous = ${synchronous}`);
  const append = prepareLedgerAppend(db);
  const walSyncer = walPath === undefined ? undefined : new WalSyncer(walPath);
  return {
    run(rows) {
      append(rows as readonly LedgerRowValues[]);
      // Batches that arrive while a sync runs share the next one (WalSyncer), as on the main thread.
      return walSyncer?.sync();
    },
    async close() {
      await walSyncer?.close();
      db.close();
    },
  };
}
