import type { LedgerRowValues } from './sqlite-ledger-append.js';

/** What the ledger writer thread is started with. */
export interface LedgerThreadData {
  /** The SQLite file; the store's main connection has already migrated it and set WAL mode. */
  path: string;
  /** The store's sync mode, for this connection too. */
  synchronous: 'FULL' | 'NORMAL';
  /** When set, the thread fdatasyncs this WAL file after each batch, before it replies. */
  walPath?: string;
}

/** A batch to write, or (without rows) the request to close the connection and exit. */
export interface LedgerThreadRequest {
  id: number;
  rows?: readonly LedgerRowValues[];
}

/** Sent once the batch `id` is committed (and synced), or with `error` when it is not. */
export interface LedgerThreadReply {
  id: number;
  error?: string;
}
