import type { BreakerRecord, BreakerState } from './breaker-store.js';
import type { BreakerEffect } from './breaker-outcome.js';

export interface CircuitBreakerOptions {
  /** Failure share over the window that opens the breaker (0.5 = half of the calls failed). */
  failureRateThreshold?: number;
  /** Calls in the window needed before the failure rate counts. */
  minimumVolume?: number;
  windowMs?: number;
  windowBuckets?: number;
  /** Consecutive failures that open the breaker regardless of volume. */
  consecutiveFailures?: number;
  cooldownMs?: number;
  /** Each failed half-open probe multiplies the cooldown, up to maxCooldownMs. */
  cooldownMultiplier?: number;
  maxCooldownMs?: number;
  /** Probe requests allowed at once while half-open. */
  halfOpenProbes?: number;
  /** Cool-down after a 429 without retry-after; doubles while 429s continue. */
  rateLimitCooldownMs?: number;
  maxRateLimitCooldownMs?: number;
}

export type ResolvedBreakerOptions = Required<CircuitBreakerOptions>;

export const DEFAULT_BREAKER_OPTIONS: ResolvedBreakerOptions = {
  failureRateThreshold: 0.5,
  minimumVolume: 20,
  windowMs: 30_000,
  windowBuckets: 10,
  consecutiveFailures: 10,
  cooldownMs: 5_000,
  cooldownMultiplier: 2,
  maxCooldownMs: 60_000,
  halfOpenProbes: 3,
  rateLimitCooldownMs: 1_000,
  maxRateLimitCooldownMs: 30_000,
};

export type BreakerReason =
  | 'failure_rate'
  | 'consecutive_failures'
  | 'cooldown_elapsed'
  | 'probe_succeeded'
  | 'probe_failed'
  | 'forced'
  | 'health_check';

export interface BreakerChange {
  from: BreakerState;
  to: BreakerState;
  reason: BreakerReason;
}

export function newBreakerRecord(options: ResolvedBreakerOptions, now: number): BreakerRecord {
  return {
    state: 'closed',
    generation: 0,
    openUntil: 0,
    cooldownMs: options.cooldownMs,
    consecutiveFailures: 0,
    probesInFlight: 0,
    coolingUntil: 0,
    consecutiveRateLimits: 0,
    windowSuccesses: new Array<number>(options.windowBuckets).fill(0),
    windowFailures: new Array<number>(options.windowBuckets).fill(0),
    windowHead: bucketOf(options, now),
  };
}

/** The state as the router should see it: an open breaker whose cooldown passed is half-open. */
export function effectiveState(record: BreakerRecord, now: number): BreakerState {
  return record.state === 'open' && now >= record.openUntil ? 'half_open' : record.state;
}

/** Moves an open breaker whose cooldown elapsed to half-open. */
export function settleCooldown(record: BreakerRecord, now: number): BreakerChange | undefined {
  if (record.state !== 'open' || now < record.openUntil) return undefined;
  return moveTo(record, 'half_open', 'cooldown_elapsed');
}

/** Applies one outcome observed under the record's current generation. */
export function applyOutcome(
  record: BreakerRecord,
  effect: BreakerEffect,
  options: ResolvedBreakerOptions,
  now: number,
  retryAfterMs?: number,
): BreakerChange | undefined {
  if (effect === 'rate_limited') {
    const doubled = options.rateLimitCooldownMs * 2 ** Math.min(10, record.consecutiveRateLimits);
    const wait = Math.min(options.maxRateLimitCooldownMs, retryAfterMs ?? doubled);
    record.coolingUntil = Math.max(record.coolingUntil, now + wait);
    record.consecutiveRateLimits += 1;
    return undefined;
  }
  if (effect === 'neutral') return undefined;
  if (effect === 'success') record.consecutiveRateLimits = 0;

  switch (record.state) {
    case 'open':
      return undefined;
    case 'half_open':
      if (effect === 'success') {
        record.cooldownMs = options.cooldownMs;
        return moveTo(record, 'closed', 'probe_succeeded');
      }
      record.cooldownMs = Math.min(options.maxCooldownMs, record.cooldownMs * options.cooldownMultiplier);
      return open(record, now, 'probe_failed');
    case 'closed': {
      const slot = rotateWindow(record, options, now);
      if (effect === 'success') {
        record.windowSuccesses[slot] = (record.windowSuccesses[slot] ?? 0) + 1;
        record.consecutiveFailures = 0;
        return undefined;
      }
      record.windowFailures[slot] = (record.windowFailures[slot] ?? 0) + 1;
      record.consecutiveFailures += 1;
      if (record.consecutiveFailures >= options.consecutiveFailures) return open(record, now, 'consecutive_failures');
      const failures = sum(record.windowFailures);
      const volume = failures + sum(record.windowSuccesses);
      if (volume >= options.minimumVolume && failures / volume >= options.failureRateThreshold) {
        return open(record, now, 'failure_rate');
      }
      return undefined;
    }
  }
}

/** Opens the breaker for `cooldownMs` (or the record's current cooldown). */
export function open(record: BreakerRecord, now: number, reason: BreakerReason, cooldownMs?: number): BreakerChange {
  record.openUntil = now + (cooldownMs ?? record.cooldownMs);
  return moveTo(record, 'open', reason);
}

export function moveTo(record: BreakerRecord, to: BreakerState, reason: BreakerReason): BreakerChange {
  const from = record.state;
  record.state = to;
  record.generation += 1;
  record.probesInFlight = 0;
  if (to === 'closed') {
    record.consecutiveFailures = 0;
    record.windowSuccesses.fill(0);
    record.windowFailures.fill(0);
  }
  return { from, to, reason };
}

function bucketOf(options: ResolvedBreakerOptions, now: number): number {
  return Math.floor(now / (options.windowMs / options.windowBuckets));
}

function rotateWindow(record: BreakerRecord, options: ResolvedBreakerOptions, now: number): number {
  const size = record.windowSuccesses.length;
  const current = bucketOf(options, now);
  const steps = Math.min(size, current - record.windowHead);
  for (let i = 1; i <= steps; i += 1) {
    const slot = (record.windowHead + i) % size;
    record.windowSuccesses[slot] = 0;
    record.windowFailures[slot] = 0;
  }
  if (current > record.windowHead) record.windowHead = current;
  return record.windowHead % size;
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}
