import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { DecisionThreadData, DecisionThreadReply, DecisionThreadRequest } from './decision-thread-messages.js';

export interface SqliteDecisionThreadOptions extends DecisionThreadData {
  /** The compiled `sqlite-decision-worker.js`. */
  script: URL;
  /** Told, loudly, each time the thread dies or answers that it could not write. */
  onError?: (error: Error) => void;
}

/** Thread deaths in a row, with no request answered between them, before the log stops using a thread. */
const MAX_DEATHS_IN_A_ROW = 3;

/**
 * The decision log's side of its writer thread. The thread answers requests in the order they
 * were posted, so the waiters form a queue. It starts with the first request; if it dies, every
 * unanswered request is rejected (the log puts those records back in its queue) and the next
 * request starts a new thread; after MAX_DEATHS_IN_A_ROW deaths `usable` turns false.
 */
export class SqliteDecisionThread {
  private readonly options: SqliteDecisionThreadOptions;
  private worker: Worker | undefined;
  private readonly waiting: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  private deathsInARow = 0;
  private closed = false;

  constructor(options: SqliteDecisionThreadOptions) {
    this.options = options;
  }

  get usable(): boolean {
    return !this.closed && this.deathsInARow < MAX_DEATHS_IN_A_ROW;
  }

  /**
   * Settles with the thread's answer. Throws at once (a DataCloneError) when the request cannot be
   * posted, so that the caller can write it itself.
   */
  write(request: DecisionThreadRequest): Promise<void> {
    const worker = this.worker ?? this.start();
    worker.postMessage(request);
    // Keep the process alive only while a request waits on the thread.
    if (this.waiting.length === 0) worker.ref();
    return new Promise<void>((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  /** Waits for the requests in flight, then has the thread close its connection and exit. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const worker = this.worker;
    if (worker === undefined) return;
    const exited = once(worker, 'exit');
    await this.write({ close: true }).catch(() => {});
    await exited;
  }

  private start(): Worker {
    const data: DecisionThreadData = { path: this.options.path };
    const worker = new Worker(this.options.script, { workerData: data });
    worker.unref();
    worker.on('message', (reply: DecisionThreadReply) => this.answered(worker, reply));
    worker.on('error', (error) => this.died(worker, error));
    worker.on('exit', (code) => this.died(worker, new Error(`it exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private answered(worker: Worker, reply: DecisionThreadReply): void {
    const waiter = this.waiting.shift();
    if (this.waiting.length === 0) worker.unref();
    if (reply.error === undefined) {
      this.deathsInARow = 0;
      waiter?.resolve();
    } else {
      const error = new Error(`The decision log writer thread could not write; the records are queued again: ${reply.error}`);
      this.options.onError?.(error);
      waiter?.reject(error);
    }
  }

  private died(worker: Worker, cause: Error): void {
    // 'error' is followed by 'exit'; only the first counts. An exit after the close request is the normal end.
    if (this.worker !== worker) return;
    this.worker = undefined;
    const unanswered = this.waiting.splice(0);
    if (this.closed && unanswered.length === 0) return;
    this.deathsInARow += 1;
    const error = new Error(
      `The decision log writer thread died (${cause.message}); the records of its ${unanswered.length} unanswered requests are queued again` +
        (this.usable ? '.' : `; after ${MAX_DEATHS_IN_A_ROW} deaths in a row the log is written on the main thread from now on.`),
      { cause },
    );
    this.options.onError?.(error);
    for (const waiter of unanswered) waiter.reject(error);
  }
}
