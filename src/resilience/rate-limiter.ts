import { realClock, type Clock } from './clock.js';

/** Requests and tokens per minute for one key (deployment or API key); absent means unlimited. */
export interface RateLimit {
  requestsPerMinute?: number;
  tokensPerMinute?: number;
}

export interface RateUsage {
  requests?: number;
  tokens?: number;
}

/** RPM/TPM accounting; an interface so a shared (Redis) implementation fits. */
export interface RateLimiter {
  /** Would `usage` more push `key` over a limit in the current window? */
  wouldExceed(key: string, usage?: RateUsage): boolean;
  record(key: string, usage: RateUsage): void;
  /** Checks and records in one step; false (and nothing recorded) when it would exceed. */
  tryRecord(key: string, usage: RateUsage): boolean;
  /** What the window currently holds for `key`. */
  usage(key: string): { requests: number; tokens: number };
  /**
   * Checks and records in one atomic step against state shared with other processes (Redis);
   * false (nothing recorded) when it would exceed. Where present, admission uses it instead of
   * `wouldExceed` + `record`, whose shared answers are only the totals last seen.
   */
  acquire?(key: string, usage: RateUsage): Promise<boolean>;
}

export interface SlidingWindowRateLimiterOptions {
  limitFor(key: string): RateLimit | undefined;
  windowMs?: number;
  buckets?: number;
  clock?: Clock;
}

interface Window {
  requests: Float64Array;
  tokens: Float64Array;
  head: number;
  requestTotal: number;
  tokenTotal: number;
}

/**
 * A minute-long window of buckets per key. Token counts recorded up front are estimates; record a
 * negative or positive correction once the real usage is known.
 */
export class SlidingWindowRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly bucketMs: number;
  private readonly bucketCount: number;
  private readonly clock: Clock;

  constructor(private readonly options: SlidingWindowRateLimiterOptions) {
    const windowMs = options.windowMs ?? 60_000;
    this.bucketCount = Math.max(1, Math.floor(options.buckets ?? 12));
    this.bucketMs = windowMs / this.bucketCount;
    this.clock = options.clock ?? realClock;
  }

  wouldExceed(key: string, usage: RateUsage = { requests: 1 }): boolean {
    const limit = this.options.limitFor(key);
    if (limit === undefined) return false;
    const window = this.windows.get(key);
    if (window === undefined) return exceeds(limit, 0, 0, usage);
    this.rotate(window);
    return exceeds(limit, window.requestTotal, window.tokenTotal, usage);
  }

  record(key: string, usage: RateUsage): void {
    const window = this.window(key);
    const slot = this.rotate(window);
    const requests = usage.requests ?? 0;
    const tokens = usage.tokens ?? 0;
    window.requests[slot] = (window.requests[slot] ?? 0) + requests;
    window.tokens[slot] = (window.tokens[slot] ?? 0) + tokens;
    window.requestTotal += requests;
    window.tokenTotal += tokens;
  }

  tryRecord(key: string, usage: RateUsage): boolean {
    if (this.wouldExceed(key, usage)) return false;
    this.record(key, usage);
    return true;
  }

  usage(key: string): { requests: number; tokens: number } {
    const window = this.windows.get(key);
    if (window === undefined) return { requests: 0, tokens: 0 };
    this.rotate(window);
    return { requests: window.requestTotal, tokens: window.tokenTotal };
  }

  private window(key: string): Window {
    let window = this.windows.get(key);
    if (window === undefined) {
      window = {
        requests: new Float64Array(this.bucketCount),
        tokens: new Float64Array(this.bucketCount),
        head: Math.floor(this.clock.now() / this.bucketMs),
        requestTotal: 0,
        tokenTotal: 0,
      };
      this.windows.set(key, window);
    }
    return window;
  }

  private rotate(window: Window): number {
    const current = Math.floor(this.clock.now() / this.bucketMs);
    const steps = Math.min(this.bucketCount, current - window.head);
    for (let i = 1; i <= steps; i += 1) {
      const slot = (window.head + i) % this.bucketCount;
      window.requestTotal -= window.requests[slot] ?? 0;
      window.tokenTotal -= window.tokens[slot] ?? 0;
      window.requests[slot] = 0;
      window.tokens[slot] = 0;
    }
    if (current > window.head) window.head = current;
    return window.head % this.bucketCount;
  }
}

function exceeds(limit: RateLimit, requests: number, tokens: number, usage: RateUsage): boolean {
  if (limit.requestsPerMinute !== undefined && requests + (usage.requests ?? 0) > limit.requestsPerMinute) return true;
  if (limit.tokensPerMinute !== undefined && tokens + (usage.tokens ?? 0) > limit.tokensPerMinute) return true;
  return false;
}
