import { Worker } from 'node:worker_threads';
import { GatewayError } from '../errors/gateway-error.js';
import type { LedgerEntry } from './ledger-entry.js';
import type { LedgerThreadData, LedgerThreadReply, LedgerThreadRequest } from './ledger-thread-messages.js';
import { toLedgerRowValues } from './sqlite-ledger-append.js';

export interface SqliteLedgerThreadOptions extends LedgerThreadData {
  /** The compiled `sqlite-ledger-worker.js`. */
  script: URL;
  /** Told, loudly, each time the thread dies and when the store gives up on it. */
  onError?: (error: Error) => void;
}

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

/** Thread deaths in a row, with no batch committed between them, before writes go back to the main connection. */
const MAX_DEATHS_IN_A_ROW = 3;

/**
 * The main thread's side of the ledger writer thread: each batch is posted to it and its promise
 * settles with the thread's reply, after the commit and the WAL sync. The thread starts with the
 * first batch. If it dies, every batch it had not confirmed is rejected (the ledger writer keeps
 * those entries and retries; ids make the retry idempotent) and the next batch starts a new one;
 * after MAX_DEATHS_IN_A_ROW deaths `usable` turns false and the store writes on its own connection.
 */
export class SqliteLedgerThread {
  private readonly options: SqliteLedgerThreadOptions;
  private worker: Worker | undefined;
  private readonly waiters = new Map<number, Waiter>();
  private nextId = 1;
  private deathsInARow = 0;
  private closing: Promise<void> | undefined;

  constructor(options: SqliteLedgerThreadOptions) {
    this.options = options;
  }

  /** False once the thread has died too often; the caller writes on the main connection then. */
  get usable(): boolean {
    return this.deathsInARow < MAX_DEATHS_IN_A_ROW && this.closing === undefined;
  }

  /** Resolves once the batch is committed (and synced) by the thread; rejects if it is not. */
  append(entries: readonly LedgerEntry[]): Promise<void> {
    if (!this.usable) return Promise.reject(new GatewayError('unavailable', 'The ledger writer thread is closed.'));
    return this.post({ id: this.nextId++, rows: entries.map(toLedgerRowValues) });
  }

  /** Waits for the batches in flight, then closes the thread's connection and ends it. */
  close(): Promise<void> {
    this.closing ??= this.stop();
    return this.closing;
  }

  private async stop(): Promise<void> {
    const worker = this.worker;
    if (worker === undefined) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    // Requests are handled in order, so the close request is answered after every batch before it.
    await this.post({ id: this.nextId++ }).catch(() => {});
    await exited;
  }

  private post(request: LedgerThreadRequest): Promise<void> {
    const worker = this.worker ?? this.start();
    return new Promise<void>((resolve, reject) => {
      this.waiters.set(request.id, { resolve, reject });
      // Keep the process alive only while a batch waits on the thread.
      if (this.waiters.size === 1) worker.ref();
      worker.postMessage(request);
    });
  }

  private start(): Worker {
    const data: LedgerThreadData = { path: this.options.path, synchronous: this.options.synchronous, ...(this.options.walPath === undefined ? {} : { walPath: this.options.walPath }) };
    const worker = new Worker(this.options.script, { workerData: data });
    worker.unref();
    worker.on('message', (reply: LedgerThreadReply) => this.settle(worker, reply));
    worker.on('error', (error) => this.died(worker, error));
    worker.on('exit', (code) => this.died(worker, new Error(`it exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private settle(worker: Worker, reply: LedgerThreadReply): void {
    const waiter = this.waiters.get(reply.id);
    this.waiters.delete(reply.id);
    if (this.waiters.size === 0) worker.unref();
    if (waiter === undefined) return;
    if (reply.error === undefined) {
      this.deathsInARow = 0;
      waiter.resolve();
    } else {
      waiter.reject(new GatewayError('unavailable', `The ledger writer thread could not write the batch: ${reply.error}`));
    }
  }

  private died(worker: Worker, cause: Error): void {
    // 'error' is followed by 'exit'; only the first counts. An exit after the close request is the normal end.
    if (this.worker !== worker) return;
    this.worker = undefined;
    const unconfirmed = [...this.waiters.values()];
    this.waiters.clear();
    if (this.closing !== undefined && unconfirmed.length === 0) return;
    this.deathsInARow += 1;
    const error = new GatewayError(
      'unavailable',
      `The ledger writer thread died (${cause.message}); ${unconfirmed.length} batches were not confirmed and are left to the caller to retry` +
        (this.usable ? '.' : `; after ${MAX_DEATHS_IN_A_ROW} deaths in a row the ledger is written on the main thread from now on.`),
      { cause },
    );
    this.options.onError?.(error);
    for (const waiter of unconfirmed) waiter.reject(error);
  }
}
