import { GatewayError } from '../errors/gateway-error.js';
import type { LedgerEntry } from '../state/ledger-entry.js';
import type { LedgerStore } from '../state/ledger-store.js';
import type { AccountingLogger } from './accounting-logger.js';
import { silentLogger } from './accounting-logger.js';

export interface LedgerWriterOptions {
  store: LedgerStore;
  /** How long a background entry (`record`) may wait for companions. Default 50 ms. */
  flushIntervalMs?: number;
  /** Most entries per transaction. Default 200. */
  maxBatchSize?: number;
  /** Entries kept waiting (e.g. while the store is down) before the oldest background ones are dropped. */
  maxQueueSize?: number;
  logger?: AccountingLogger;
}

interface Pending {
  entry: LedgerEntry;
  resolve?: () => void;
  reject?: (error: Error) => void;
}

/**
 * Writes ledger entries in batches, one transaction per batch, off the request path.
 *
 * Durability is by group commit. `recordDurably` resolves only once the transaction holding the
 * entry has committed; the engine awaits it before it ends the response, so a response the
 * client saw complete always has its entry on disk. A durable entry does not wait for the
 * interval: a write is started on the next turn of the event loop, and every entry that
 * concurrent requests queue meanwhile (or while a write is in flight) joins the same
 * transaction. Under load that is one sync per batch, not per request; when idle the wait is
 * one commit. `record` is fire-and-forget for rows nobody waits on (attempt rows, for example),
 * flushed within `flushIntervalMs` or when a batch fills.
 *
 * A failed write rejects its durable waiters with `unavailable` and puts every entry back at the
 * head of the queue to be retried; entry ids make a retry idempotent.
 */
export class LedgerWriter {
  private readonly store: LedgerStore;
  private readonly intervalMs: number;
  private readonly maxBatch: number;
  private readonly maxQueue: number;
  private readonly logger: AccountingLogger;
  private queue: Pending[] = [];
  private writing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private closed = false;
  private readonly counts = { batches: 0, entries: 0, failures: 0, dropped: 0 };

  constructor(options: LedgerWriterOptions) {
    this.store = options.store;
    this.intervalMs = options.flushIntervalMs ?? 50;
    this.maxBatch = options.maxBatchSize ?? 200;
    this.maxQueue = options.maxQueueSize ?? 100_000;
    this.logger = options.logger ?? silentLogger;
  }

  /** Queues entries to be written within the flush interval; nothing waits on them. */
  record(...entries: LedgerEntry[]): void {
    this.assertOpen();
    for (const entry of entries) this.queue.push({ entry });
    this.trim();
    this.schedule(false);
  }

  /** Queues entries and resolves once they are committed (group commit with concurrent callers). */
  recordDurably(...entries: LedgerEntry[]): Promise<void> {
    this.assertOpen();
    const done = entries.map(
      (entry) =>
        new Promise<void>((resolve, reject) => {
          this.queue.push({ entry, resolve, reject });
        }),
    );
    this.schedule(true);
    return Promise.all(done).then(() => undefined);
  }

  /** Writes everything queued so far; resolves when it is committed (or rejects if a write failed). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing.catch(() => {});
    while (this.queue.length > 0) {
      const failuresBefore = this.counts.failures;
      await this.writeNext();
      if (this.counts.failures !== failuresBefore) {
        throw new GatewayError('unavailable', `${this.queue.length} ledger entries are not written yet: the store failed`);
      }
    }
  }

  /** Flushes and stops; later records throw. */
  async close(): Promise<void> {
    this.closed = true;
    this.clearTimers();
    await this.flush();
  }

  stats(): { batches: number; entries: number; failures: number; dropped: number; queued: number } {
    return { ...this.counts, queued: this.queue.length };
  }

  private schedule(urgent: boolean): void {
    if (this.queue.length >= this.maxBatch || urgent) {
      if (this.immediate === undefined && this.writing === undefined) {
        this.immediate = setImmediate(() => {
          this.immediate = undefined;
          void this.drain();
        });
      }
      return;
    }
    if (this.timer === undefined && this.writing === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.drain();
      }, this.intervalMs);
      this.timer.unref();
    }
  }

  /** Writes batch after batch while durable waiters or full batches are queued. */
  private async drain(): Promise<void> {
    if (this.writing) return;
    this.clearTimers();
    const failuresBefore = this.counts.failures;
    do {
      await this.writeNext();
    } while (this.counts.failures === failuresBefore && (this.queue.length >= this.maxBatch || this.queue.some((p) => p.resolve)));
    // Whatever is left (background rows, or rows to retry after a failure) waits for the interval.
    if (this.queue.length > 0 && !this.closed) this.schedule(false);
  }

  private async writeNext(): Promise<void> {
    // One write at a time, whoever started it (drain or flush).
    while (this.writing) await this.writing.catch(() => {});
    const batch = this.queue.splice(0, this.maxBatch);
    if (batch.length === 0) return;
    const write = this.store.appendEntries(batch.map((p) => p.entry));
    this.writing = write;
    try {
      await write;
      this.counts.batches += 1;
      this.counts.entries += batch.length;
      for (const p of batch) p.resolve?.();
    } catch (error) {
      this.counts.failures += 1;
      this.logger.error({ err: error, entries: batch.length }, 'ledger write failed; entries will be retried');
      const failure = new GatewayError('unavailable', 'The ledger could not be written.', { cause: error });
      for (const p of batch) p.reject?.(failure);
      this.queue = [...batch.map((p) => ({ entry: p.entry })), ...this.queue];
      this.trim();
    } finally {
      this.writing = undefined;
    }
  }

  private trim(): void {
    const excess = this.queue.length - this.maxQueue;
    if (excess <= 0) return;
    let dropped = 0;
    this.queue = this.queue.filter((p) => (dropped < excess && !p.resolve ? (dropped++, false) : true));
    this.counts.dropped += dropped;
    this.logger.error({ dropped }, 'ledger queue full; oldest background entries dropped');
  }

  private clearTimers(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }

  private assertOpen(): void {
    if (this.closed) throw new GatewayError('unavailable', 'The ledger writer is closed.');
  }
}
