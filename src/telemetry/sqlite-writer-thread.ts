/**
 * What the decision log needs of the process's SQLite writer thread (implemented in the state
 * layer, which telemetry does not import; the composition hands it over): to register its job
 * there and post work to it.
 */
export interface SqliteWriterThread {
  open(kind: string, data: unknown): SqliteWriterJob;
}

/** The log's job in that thread. */
export interface SqliteWriterJob {
  /** False once the thread has died too often; the log writes on its own connection then. */
  readonly usable: boolean;
  /** Settles after the thread's commit; throws at once when the payload cannot be posted. */
  run(payload: unknown): Promise<void>;
  /** Waits for the job's work in flight and closes its connection in the thread. */
  close(): Promise<void>;
}
