import type { AccountingLogger } from './accounting-logger.js';
import { silentLogger } from './accounting-logger.js';
import type { Alert, AlertSink } from './alert.js';

export interface WebhookAlertSinkOptions {
  url: string;
  /** Extra headers, e.g. an authorization token the receiver expects. */
  headers?: Record<string, string>;
  /** Tries per alert, the first included. Default 5. */
  maxAttempts?: number;
  /** Backoff before the second try; doubles each time, with jitter. Default 500 ms. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Per-try timeout. Default 5 s. */
  timeoutMs?: number;
  /** Alerts waiting beyond this are dropped, oldest first. Default 1000. */
  maxQueue?: number;
  logger?: AccountingLogger;
  /** For tests: where jitter comes from. */
  random?: () => number;
}

/**
 * POSTs each alert as JSON to a URL. `emit` only queues: one background worker delivers in
 * order, retrying network errors, 408, 429 and 5xx with exponential backoff, so that a slow or
 * failing receiver never holds up a request. Other statuses are not retried.
 */
export class WebhookAlertSink implements AlertSink {
  private readonly options: Required<Omit<WebhookAlertSinkOptions, 'headers' | 'logger' | 'random'>>;
  private readonly headers: Record<string, string>;
  private readonly logger: AccountingLogger;
  private readonly random: () => number;
  private readonly queue: Alert[] = [];
  private worker: Promise<void> | undefined;
  private readonly stop = new AbortController();
  private readonly counts = { delivered: 0, failed: 0, dropped: 0, attempts: 0 };

  constructor(options: WebhookAlertSinkOptions) {
    this.options = {
      url: options.url,
      maxAttempts: options.maxAttempts ?? 5,
      initialBackoffMs: options.initialBackoffMs ?? 500,
      maxBackoffMs: options.maxBackoffMs ?? 30_000,
      timeoutMs: options.timeoutMs ?? 5_000,
      maxQueue: options.maxQueue ?? 1_000,
    };
    this.headers = { 'content-type': 'application/json', ...options.headers };
    this.logger = options.logger ?? silentLogger;
    this.random = options.random ?? Math.random;
  }

  emit(alert: Alert): void {
    if (this.stop.signal.aborted) return;
    this.queue.push(alert);
    if (this.queue.length > this.options.maxQueue) {
      this.queue.shift();
      this.counts.dropped += 1;
    }
    this.worker ??= this.work().finally(() => {
      this.worker = undefined;
    });
  }

  /** Resolves when every queued alert was delivered or given up on. */
  async idle(): Promise<void> {
    while (this.worker) await this.worker;
  }

  /** Stops retrying and waits for the worker to exit; alerts still queued are dropped. */
  async close(): Promise<void> {
    this.stop.abort();
    await this.idle();
  }

  stats(): { delivered: number; failed: number; dropped: number; attempts: number } {
    return { ...this.counts };
  }

  private async work(): Promise<void> {
    for (let alert = this.queue.shift(); alert !== undefined; alert = this.queue.shift()) {
      if (this.stop.signal.aborted) {
        this.counts.dropped += 1 + this.queue.length;
        this.queue.length = 0;
        return;
      }
      await this.deliver(alert);
    }
  }

  private async deliver(alert: Alert): Promise<void> {
    const body = JSON.stringify(alert);
    for (let attempt = 1; attempt <= this.options.maxAttempts; attempt++) {
      this.counts.attempts += 1;
      let retryable: boolean;
      let reason: string;
      try {
        const signal = AbortSignal.any([this.stop.signal, AbortSignal.timeout(this.options.timeoutMs)]);
        const response = await fetch(this.options.url, { method: 'POST', headers: this.headers, body, signal });
        await response.arrayBuffer().catch(() => undefined);
        if (response.ok) {
          this.counts.delivered += 1;
          return;
        }
        retryable = response.status === 408 || response.status === 429 || response.status >= 500;
        reason = `HTTP ${response.status}`;
      } catch (error) {
        retryable = true;
        reason = (error as Error).message;
      }
      if (!retryable || attempt === this.options.maxAttempts || this.stop.signal.aborted) {
        this.counts.failed += 1;
        this.logger.error({ kind: alert.kind, attempts: attempt, reason }, 'alert webhook delivery failed');
        return;
      }
      await this.sleep(this.backoff(attempt));
      if (this.stop.signal.aborted) {
        this.counts.failed += 1;
        return;
      }
    }
  }

  /** Exponential with "equal jitter": between half and all of the doubled delay. */
  private backoff(attempt: number): number {
    const base = Math.min(this.options.maxBackoffMs, this.options.initialBackoffMs * 2 ** (attempt - 1));
    return base / 2 + (base / 2) * this.random();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.stop.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.stop.signal.addEventListener('abort', done, { once: true });
    });
  }
}
