import type { LiveStats } from '../spec/live-stats.js';
import type { OutcomeClass } from '../spec/outcome-class.js';
import { breakerEffect } from './breaker-outcome.js';
import type { BreakerState } from './breaker-store.js';
import { realClock, type Clock } from './clock.js';

export interface AttemptSample {
  outcome: OutcomeClass;
  /** Whole attempt duration, ms (successful attempts only feed the latency average). */
  latencyMs?: number;
  /** Time to the first content part, ms. */
  ttftMs?: number;
}

export interface LiveStatsTrackerOptions {
  /** Weight of the newest sample in the moving averages. */
  alpha?: number;
  /** TTFT samples kept for the p95. */
  ttftSamples?: number;
  errorWindowMs?: number;
  errorBuckets?: number;
  clock?: Clock;
  /** Where breaker state comes from (the BreakerRegistry). */
  breakerState?(deploymentId: string): BreakerState;
  /** Whether a deployment is at a limit or cooling down after 429s. */
  saturated?(deploymentId: string): boolean;
}

interface Entry {
  samples: number;
  inFlight: number;
  ewmaLatencyMs: number | undefined;
  ewmaTtftMs: number | undefined;
  ttft: Float64Array;
  ttftCount: number;
  ttftNext: number;
  p95: number | undefined;
  p95Dirty: boolean;
  ok: Float64Array;
  failed: Float64Array;
  head: number;
}

/**
 * Measured behaviour per deployment, as the router's LiveStats. Each update writes into
 * preallocated rings; the p95 is computed lazily on read and cached until the next TTFT sample.
 */
export class LiveStatsTracker {
  private readonly entries = new Map<string, Entry>();
  private readonly alpha: number;
  private readonly ttftSamples: number;
  private readonly bucketMs: number;
  private readonly errorBuckets: number;
  private readonly clock: Clock;
  private scratch: Float64Array;

  constructor(private readonly options: LiveStatsTrackerOptions = {}) {
    this.alpha = options.alpha ?? 0.2;
    this.ttftSamples = Math.max(1, options.ttftSamples ?? 128);
    this.errorBuckets = Math.max(1, options.errorBuckets ?? 12);
    this.bucketMs = (options.errorWindowMs ?? 60_000) / this.errorBuckets;
    this.clock = options.clock ?? realClock;
    this.scratch = new Float64Array(this.ttftSamples);
  }

  /** An attempt started. */
  begin(deploymentId: string): void {
    this.entry(deploymentId).inFlight += 1;
  }

  /** An attempt started with `begin` ended. */
  end(deploymentId: string, sample: AttemptSample): void {
    const entry = this.entry(deploymentId);
    entry.inFlight = Math.max(0, entry.inFlight - 1);
    this.apply(entry, sample);
  }

  /** An observation that was not an in-flight request (e.g. an active health check). */
  observe(deploymentId: string, sample: AttemptSample): void {
    this.apply(this.entry(deploymentId), sample);
  }

  /** The smoothed latency alone: admission asks for it on every request, and a snapshot also computes the p95 and error rate. */
  ewmaLatencyMs(deploymentId: string): number | undefined {
    return this.entries.get(deploymentId)?.ewmaLatencyMs;
  }

  p95TtftMs(deploymentId: string): number | undefined {
    const entry = this.entries.get(deploymentId);
    return entry === undefined ? undefined : this.p95(entry);
  }

  snapshot(deploymentId: string): LiveStats {
    const entry = this.entries.get(deploymentId);
    const breaker = this.options.breakerState?.(deploymentId) ?? 'closed';
    const saturated = this.options.saturated?.(deploymentId);
    const stats: LiveStats = { deploymentId, samples: entry?.samples ?? 0, breaker, inFlight: entry?.inFlight ?? 0 };
    if (saturated !== undefined) stats.saturated = saturated;
    if (entry === undefined) return stats;
    if (entry.ewmaLatencyMs !== undefined) stats.ewmaLatencyMs = entry.ewmaLatencyMs;
    if (entry.ewmaTtftMs !== undefined) stats.ewmaTtftMs = entry.ewmaTtftMs;
    const p95 = this.p95(entry);
    if (p95 !== undefined) stats.p95TtftMs = p95;
    const errorRate = this.errorRate(entry);
    if (errorRate !== undefined) stats.errorRate = errorRate;
    return stats;
  }

  /** Snapshots for every deployment seen so far, keyed by id (for the router). */
  all(): Map<string, LiveStats> {
    const out = new Map<string, LiveStats>();
    for (const id of this.entries.keys()) out.set(id, this.snapshot(id));
    return out;
  }

  private apply(entry: Entry, sample: AttemptSample): void {
    const effect = breakerEffect(sample.outcome);
    if (effect === 'success' || effect === 'failure') {
      const slot = this.rotate(entry);
      const ring = effect === 'success' ? entry.ok : entry.failed;
      ring[slot] = (ring[slot] ?? 0) + 1;
    }
    if (effect !== 'success') return;
    entry.samples += 1;
    if (sample.latencyMs !== undefined) entry.ewmaLatencyMs = ewma(entry.ewmaLatencyMs, sample.latencyMs, this.alpha);
    if (sample.ttftMs !== undefined) {
      entry.ewmaTtftMs = ewma(entry.ewmaTtftMs, sample.ttftMs, this.alpha);
      entry.ttft[entry.ttftNext] = sample.ttftMs;
      entry.ttftNext = (entry.ttftNext + 1) % this.ttftSamples;
      entry.ttftCount = Math.min(this.ttftSamples, entry.ttftCount + 1);
      entry.p95Dirty = true;
    }
  }

  private p95(entry: Entry): number | undefined {
    if (entry.ttftCount === 0) return undefined;
    if (!entry.p95Dirty) return entry.p95;
    const view = this.scratch.subarray(0, entry.ttftCount);
    view.set(entry.ttft.subarray(0, entry.ttftCount));
    view.sort();
    entry.p95 = view[Math.min(entry.ttftCount - 1, Math.ceil(0.95 * entry.ttftCount) - 1)];
    entry.p95Dirty = false;
    return entry.p95;
  }

  private errorRate(entry: Entry): number | undefined {
    this.rotate(entry);
    let ok = 0;
    let failed = 0;
    for (let i = 0; i < this.errorBuckets; i += 1) {
      ok += entry.ok[i] ?? 0;
      failed += entry.failed[i] ?? 0;
    }
    return ok + failed === 0 ? undefined : failed / (ok + failed);
  }

  private rotate(entry: Entry): number {
    const current = Math.floor(this.clock.now() / this.bucketMs);
    const steps = Math.min(this.errorBuckets, current - entry.head);
    for (let i = 1; i <= steps; i += 1) {
      const slot = (entry.head + i) % this.errorBuckets;
      entry.ok[slot] = 0;
      entry.failed[slot] = 0;
    }
    if (current > entry.head) entry.head = current;
    return entry.head % this.errorBuckets;
  }

  private entry(deploymentId: string): Entry {
    let entry = this.entries.get(deploymentId);
    if (entry === undefined) {
      entry = {
        samples: 0,
        inFlight: 0,
        ewmaLatencyMs: undefined,
        ewmaTtftMs: undefined,
        ttft: new Float64Array(this.ttftSamples),
        ttftCount: 0,
        ttftNext: 0,
        p95: undefined,
        p95Dirty: false,
        ok: new Float64Array(this.errorBuckets),
        failed: new Float64Array(this.errorBuckets),
        head: Math.floor(this.clock.now() / this.bucketMs),
      };
      this.entries.set(deploymentId, entry);
    }
    return entry;
  }
}

function ewma(previous: number | undefined, sample: number, alpha: number): number {
  return previous === undefined ? sample : previous + alpha * (sample - previous);
}
