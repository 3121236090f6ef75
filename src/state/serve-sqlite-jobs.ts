import { parentPort, type MessagePort } from 'node:worker_threads';
import type { OpenSqliteJob, SqliteJob } from './sqlite-job.js';
import type { SqliteJobClose, SqliteJobReply, SqliteJobRequest } from './sqlite-job-messages.js';

interface OpenJob {
  job: SqliteJob;
  /** Runs whose promise has not settled yet: a close waits for them. */
  outstanding: Set<Promise<void>>;
}

/**
 * The thread's side of SqliteJobThread: opens the jobs it is asked to, from `kinds`, and runs
 * each request for a job as it arrives. A job whose runs are synchronous is answered in order;
 * one that returns promises (the ledger's WAL sync) is answered as each settles.
 */
export function serveSqliteJobs(kinds: Readonly<Record<string, OpenSqliteJob>>): void {
  if (parentPort === null) throw new Error('serveSqliteJobs runs in a worker thread');
  const port: MessagePort = parentPort;
  const jobs = new Map<string, OpenJob>();

  const reply = (id: number, error?: unknown): void => {
    const message: SqliteJobReply = error === undefined ? { id } : { id, error: error instanceof Error ? error.message : String(error) };
    port.postMessage(message);
  };

  const close = async (request: SqliteJobClose): Promise<void> => {
    const open = jobs.get(request.close);
    jobs.delete(request.close);
    try {
      if (open !== undefined) {
        await Promise.all(open.outstanding);
        await open.job.close();
      }
      reply(request.id);
    } catch (error) {
      reply(request.id, error);
    }
    if (request.end === true) port.close();
  };

  port.on('message', (request: SqliteJobRequest) => {
    if ('open' in request) {
      const open = kinds[request.open];
      // Thrown, it ends the thread: the owner counts a death and, after a few, writes on its own connection.
      if (open === undefined) throw new Error(`no SQLite job of kind ${request.open}`);
      jobs.set(request.open, { job: open(request.data), outstanding: new Set() });
      return;
    }
    if ('close' in request) {
      void close(request);
      return;
    }
    const open = jobs.get(request.job);
    if (open === undefined) {
      reply(request.id, new Error(`the SQLite job ${request.job} is not open`));
      return;
    }
    let done: void | Promise<void>;
    try {
      done = open.job.run(request.payload);
    } catch (error) {
      reply(request.id, error);
      return;
    }
    if (done === undefined) {
      reply(request.id);
      return;
    }
    const settled = done.then(
      () => reply(request.id),
      (error: unknown) => reply(request.id, error),
    );
    open.outstanding.add(settled);
    void settled.finally(() => open.outstanding.delete(settled));
  });
}
