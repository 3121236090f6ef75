import { once } from 'node:events';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { GatewayError } from '../errors/gateway-error.js';
import type { SqliteJobReply, SqliteJobRequest } from './sqlite-job-messages.js';

export interface SqliteJobThreadOptions {
  /** The compiled entry that calls serveSqliteJobs with the kinds of job it runs. */
  script: URL;
  /** Told, loudly, each time the thread dies and when it is given up on. */
  onError?: (error: Error) => void;
  /** The thread's V8 heap limits (Worker `resourceLimits`). */
  resourceLimits?: ResourceLimits;
}

/** A job registered with the thread, as its owner uses it. */
export interface SqliteJobChannel {
  /** False once the thread has died too often or the job is closed; the owner writes on its own connection then. */
  readonly usable: boolean;
  /**
   * Settles with the thread's answer: after the commit (and sync), or rejected when the work is
   * not confirmed. Throws at once (a DataCloneError) when the payload cannot be posted.
   */
  run(payload: unknown): Promise<void>;
  /** Waits for the job's work in flight, then closes its connection; the last job to close ends the thread. */
  close(): Promise<void>;
}

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

interface Running {
  worker: Worker;
  waiters: Map<number, Waiter>;
}

/** Thread deaths in a row, with nothing confirmed between them, before the jobs go back to their own connections. */
const MAX_DEATHS_IN_A_ROW = 3;

/**
 * One worker thread that runs the SQLite writes of several owners (the ledger, the decision log),
 * each as a named job with a connection of its own, so that a process pays for one more V8
 * isolate and one more copy of better-sqlite3, not one per writer. The thread starts with the
 * first request and opens every registered job. If it dies, everything it had not confirmed is
 * rejected (each owner keeps that work and retries it) and the next request starts a new thread;
 * after MAX_DEATHS_IN_A_ROW deaths the channels turn unusable and the owners write themselves.
 */
export class SqliteJobThread {
  private readonly options: SqliteJobThreadOptions;
  /** Open jobs and the data each opens with, replayed to every new thread. */
  private readonly jobs = new Map<string, unknown>();
  private running: Running | undefined;
  private nextId = 1;
  private deathsInARow = 0;

  constructor(options: SqliteJobThreadOptions) {
    this.options = options;
  }

  /** Registers the job `kind` (one of the kinds the thread's script serves); its connection opens in the thread. */
  open(kind: string, data: unknown): SqliteJobChannel {
    if (this.jobs.has(kind)) throw new Error(`the SQLite job ${kind} is open already`);
    this.jobs.set(kind, data);
    this.running?.worker.postMessage({ open: kind, data } satisfies SqliteJobRequest);
    const usable = (): boolean => this.jobs.has(kind) && this.deathsInARow < MAX_DEATHS_IN_A_ROW;
    let closing: Promise<void> | undefined;
    return {
      get usable() {
        return usable();
      },
      run: (payload) => {
        if (!usable()) return Promise.reject(new GatewayError('unavailable', `The SQLite writer thread no longer runs the ${kind} job.`));
        return this.post(this.running ?? this.start(), { id: this.nextId++, job: kind, payload });
      },
      close: () => (closing ??= this.close(kind)),
    };
  }

  private async close(kind: string): Promise<void> {
    this.jobs.delete(kind);
    const running = this.running;
    if (running === undefined) return;
    // Requests are handled in order: the close is answered after the job's work posted before it.
    const end = this.jobs.size === 0;
    if (!end) {
      await this.post(running, { id: this.nextId++, close: kind }).catch(() => {});
      return;
    }
    // The last job: this thread takes no more work (a job opened from now on starts a new one).
    this.running = undefined;
    const exited = once(running.worker, 'exit');
    await this.post(running, { id: this.nextId++, close: kind, end: true }).catch(() => {});
    await exited;
  }

  private post(running: Running, request: SqliteJobRequest & { id: number }): Promise<void> {
    running.worker.postMessage(request);
    // Keep the process alive only while work waits on the thread.
    if (running.waiters.size === 0) running.worker.ref();
    return new Promise<void>((resolve, reject) => running.waiters.set(request.id, { resolve, reject }));
  }

  private start(): Running {
    const worker = new Worker(this.options.script, this.options.resourceLimits === undefined ? {} : { resourceLimits: this.options.resourceLimits });
    const running: Running = { worker, waiters: new Map() };
    worker.unref();
    for (const [kind, data] of this.jobs) worker.postMessage({ open: kind, data } satisfies SqliteJobRequest);
    worker.on('message', (reply: SqliteJobReply) => this.settle(running, reply));
    worker.on('error', (error) => this.died(running, error));
    worker.on('exit', (code) => this.died(running, new Error(`it exited with code ${code}`)));
    this.running = running;
    return running;
  }

  private settle(running: Running, reply: SqliteJobReply): void {
    const waiter = running.waiters.get(reply.id);
    running.waiters.delete(reply.id);
    if (running.waiters.size === 0) running.worker.unref();
    if (waiter === undefined) return;
    if (reply.error === undefined) {
      this.deathsInARow = 0;
      waiter.resolve();
    } else {
      waiter.reject(new GatewayError('unavailable', `The SQLite writer thread could not write: ${reply.error}`));
    }
  }

  private died(running: Running, cause: Error): void {
    const unconfirmed = [...running.waiters.values()];
    running.waiters.clear();
    // 'error' is followed by 'exit': only the first counts. So does the exit of a thread that was ending.
    if (this.running !== running) {
      for (const waiter of unconfirmed) waiter.reject(new GatewayError('unavailable', `The SQLite writer thread ended (${cause.message}).`, { cause }));
      return;
    }
    this.running = undefined;
    this.deathsInARow += 1;
    const error = new GatewayError(
      'unavailable',
      `The SQLite writer thread died (${cause.message}); ${unconfirmed.length} writes were not confirmed and are left to their owners to retry` +
        (this.deathsInARow < MAX_DEATHS_IN_A_ROW ? '.' : `; after ${MAX_DEATHS_IN_A_ROW} deaths in a row they are written on the main thread from now on.`),
      { cause },
    );
    this.options.onError?.(error);
    for (const waiter of unconfirmed) waiter.reject(error);
  }
}
