export interface BackoffOptions {
  /** Ceiling of the first retry's delay, ms. */
  baseMs?: number;
  factor?: number;
  /** Ceiling of any computed delay, ms. */
  maxMs?: number;
  /** Longest upstream-requested wait (retry-after) we honour, ms. */
  maxRetryAfterMs?: number;
  /** Uniform random in [0, 1); injected for deterministic tests. */
  random?: () => number;
}

/** The part of an error the backoff reads. */
export interface RetryAfterHint {
  retryAfterMs?: number | undefined;
}

export const DEFAULT_BACKOFF = { baseMs: 200, factor: 2, maxMs: 5_000, maxRetryAfterMs: 20_000 } as const;

/**
 * Exponential backoff with full jitter: the delay is uniform in [0, min(max, base * factor^(n-1))].
 * Full jitter spreads synchronized clients apart better than equal or decorrelated jitter.
 */
export class Backoff {
  readonly baseMs: number;
  readonly factor: number;
  readonly maxMs: number;
  readonly maxRetryAfterMs: number;
  private readonly random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.baseMs = options.baseMs ?? DEFAULT_BACKOFF.baseMs;
    this.factor = options.factor ?? DEFAULT_BACKOFF.factor;
    this.maxMs = options.maxMs ?? DEFAULT_BACKOFF.maxMs;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? DEFAULT_BACKOFF.maxRetryAfterMs;
    this.random = options.random ?? Math.random;
    if (this.baseMs < 0 || this.factor < 1 || this.maxMs < 0 || this.maxRetryAfterMs < 0) {
      throw new RangeError('backoff needs baseMs >= 0, factor >= 1, maxMs >= 0, maxRetryAfterMs >= 0');
    }
  }

  /** The cap for retry number `retry` (1 = the first retry). */
  ceiling(retry: number): number {
    const exponent = Math.max(0, retry - 1);
    return Math.min(this.maxMs, this.baseMs * this.factor ** exponent);
  }

  /** A jittered delay before retry number `retry` (1 = the first retry). */
  delay(retry: number): number {
    return Math.floor(this.random() * this.ceiling(retry));
  }

  /**
   * The wait before retry number `retry` after `error`: the upstream's retry-after when it gave
   * one (capped by maxRetryAfterMs), else the jittered backoff.
   */
  retryDelay(retry: number, error?: RetryAfterHint): number {
    const hinted = error?.retryAfterMs;
    if (hinted !== undefined && Number.isFinite(hinted) && hinted >= 0) return Math.min(hinted, this.maxRetryAfterMs);
    return this.delay(retry);
  }

  /** True when the upstream asked for a longer wait than we honour: better to move on. */
  exceedsRetryAfterCap(error?: RetryAfterHint): boolean {
    const hinted = error?.retryAfterMs;
    return hinted !== undefined && hinted > this.maxRetryAfterMs;
  }
}
