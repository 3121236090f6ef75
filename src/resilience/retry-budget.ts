import { realClock, type Clock } from './clock.js';

/** Caps how much retries may add to upstream traffic. Behind an interface so a shared store can back it. */
export interface RetryBudget {
  /** Counts a first attempt (not a retry): it earns retry allowance. */
  recordAttempt(): void;
  /** Takes one retry from the budget; false means the retry must not happen. */
  tryAcquireRetry(): boolean;
  snapshot(): RetryBudgetSnapshot;
}

export interface RetryBudgetSnapshot {
  attempts: number;
  retries: number;
  /** Retries allowed in the current window, spent ones included. */
  allowed: number;
}

export interface SlidingWindowRetryBudgetOptions {
  /** Retries may add at most this share of first attempts (0.2 = 20%). */
  ratio?: number;
  windowMs?: number;
  /** The window is split into this many buckets; the oldest is dropped as time moves. */
  buckets?: number;
  /** Retries always allowed per window, so that low traffic can still retry. */
  minRetriesPerWindow?: number;
  clock?: Clock;
}

/**
 * Per-gateway retry budget over a sliding window of buckets: retries in the window may not exceed
 * max(minRetriesPerWindow, ratio * first attempts in the window). During an outage every attempt
 * fails, and without this cap each would be multiplied by the retry count.
 */
export class SlidingWindowRetryBudget implements RetryBudget {
  readonly ratio: number;
  readonly windowMs: number;
  readonly minRetriesPerWindow: number;
  private readonly bucketMs: number;
  private readonly attempts: Float64Array;
  private readonly retries: Float64Array;
  private readonly clock: Clock;
  /** Index of the bucket that `now` falls in, as an absolute bucket number. */
  private head: number;
  private attemptTotal = 0;
  private retryTotal = 0;

  constructor(options: SlidingWindowRetryBudgetOptions = {}) {
    this.ratio = options.ratio ?? 0.2;
    this.windowMs = options.windowMs ?? 10_000;
    this.minRetriesPerWindow = options.minRetriesPerWindow ?? 10;
    const buckets = Math.max(1, Math.floor(options.buckets ?? 10));
    this.bucketMs = this.windowMs / buckets;
    this.attempts = new Float64Array(buckets);
    this.retries = new Float64Array(buckets);
    this.clock = options.clock ?? realClock;
    this.head = Math.floor(this.clock.now() / this.bucketMs);
  }

  recordAttempt(): void {
    const slot = this.rotate();
    this.attempts[slot] = (this.attempts[slot] ?? 0) + 1;
    this.attemptTotal += 1;
  }

  tryAcquireRetry(): boolean {
    const slot = this.rotate();
    if (this.retryTotal + 1 > this.allowed()) return false;
    this.retries[slot] = (this.retries[slot] ?? 0) + 1;
    this.retryTotal += 1;
    return true;
  }

  snapshot(): RetryBudgetSnapshot {
    this.rotate();
    return { attempts: this.attemptTotal, retries: this.retryTotal, allowed: this.allowed() };
  }

  private allowed(): number {
    return Math.max(this.minRetriesPerWindow, Math.floor(this.attemptTotal * this.ratio));
  }

  /** Clears buckets that slid out of the window; returns the slot for now. */
  private rotate(): number {
    const size = this.attempts.length;
    const current = Math.floor(this.clock.now() / this.bucketMs);
    const steps = Math.min(size, current - this.head);
    for (let i = 1; i <= steps; i += 1) {
      const slot = (this.head + i) % size;
      this.attemptTotal -= this.attempts[slot] ?? 0;
      this.retryTotal -= this.retries[slot] ?? 0;
      this.attempts[slot] = 0;
      this.retries[slot] = 0;
    }
    if (current > this.head) this.head = current;
    return this.head % size;
  }
}
