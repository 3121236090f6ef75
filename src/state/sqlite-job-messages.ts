/** Opens the job named `open` in the thread (its connection, its statements) with `data`. */
export interface SqliteJobOpen {
  open: string;
  data: unknown;
}

/** Work for the job named `job`; one reply with the same id follows once it is done (committed, synced). */
export interface SqliteJobRun {
  id: number;
  job: string;
  payload: unknown;
}

/**
 * Closes the job named `close` once the work posted to it before is done; with `end`, the last
 * open job, the thread exits after the reply.
 */
export interface SqliteJobClose {
  id: number;
  close: string;
  end?: true;
}

export type SqliteJobRequest = SqliteJobOpen | SqliteJobRun | SqliteJobClose;

/** Sent once request `id` is done, or with `error` when it is not. */
export interface SqliteJobReply {
  id: number;
  error?: string;
}
