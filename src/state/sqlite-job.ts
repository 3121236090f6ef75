/**
 * One kind of write that the SQLite writer thread runs on a connection of its own: the ledger's
 * batches, the decision log's records. The thread opens it with the data its owner registered it
 * with and hands it each payload posted for it, in order.
 */
export interface SqliteJob {
  /** Done when it returns, or when the promise it returns resolves (after a sync, say). */
  run(payload: unknown): void | Promise<void>;
  close(): void | Promise<void>;
}

/** Opens a job in the thread; a throw ends the thread, as a failed start would. */
export type OpenSqliteJob = (data: unknown) => SqliteJob;
