import type { LiveStats } from '../spec/live-stats.js';
import type { OutcomeClass } from '../spec/outcome-class.js';
import { breakerEffect } from './breaker-outcome.js';
import type { BreakerState } from './breaker-store.js';
import { realClock, type Clock } from './clock.js';
import { PercentileRing } from './percentile-ring.js';

export interface AttemptSample {
  outcome: OutcomeClass;
  /** Whole attempt duration, ms (successful attempts only feed the latency average). */
  latencyMs?: number;
  /** Time to a stream's first content part, ms. */
  ttftMs?: number;
  /** Time to a whole non-streamed answer, ms: the point a JSON call resolves, as TTFT is a stream's. */
  answerMs?: number;
}

/**
 * What an upstream call resolves at, and so what a hedge of it waits for: a stream's first
 * content part (its commit point) or a whole JSON answer.
 */
export type CallResolvesAt = 'first_token' | 'answer';

export interface LiveStatsTrackerOptions {
  /** Weight of the newest sample in the moving averages. */
  alpha?: number;
  /** TTFT (and JSON answer time) samples kept for each p95. */
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
  /** Streams' times to first token only: a JSON answer's time would inflate it. */
  ttft: PercentileRing;
  /** JSON calls' times to the whole answer. */
  answer: PercentileRing;
  ok: Float64Array;
  failed: Float64Array;
  head: number;
}

/**
 * Measured behaviour per deployment, as the router's LiveStats. Each update writes into
 * preallocated rings; the p95s are computed lazily on read and cached until the next sample.
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

  /** p95 time to a stream's first token. */
  p95TtftMs(deploymentId: string): number | undefined {
    return this.entries.get(deploymentId)?.ttft.p95(this.scratch);
  }

  /** p95 time to a whole JSON answer. */
  p95AnswerMs(deploymentId: string): number | undefined {
    return this.entries.get(deploymentId)?.answer.p95(this.scratch);
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
    const p95 = entry.ttft.p95(this.scratch);
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

  /**
   * What `all()` holds for these deployments only: a decision reads the stats of its candidates,
   * and a request that names one deployment of many should not snapshot every other.
   */
  some(deploymentIds: readonly string[]): Map<string, LiveStats> {
    const out = new Map<string, LiveStats>();
    for (const id of deploymentIds) if (this.entries.has(id)) out.set(id, this.snapshot(id));
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
    if (sample.ttftMs !== undefined) entry.ttft.add(sample.ttftMs);
    if (sample.answerMs !== undefined) entry.answer.add(sample.answerMs);
    // The router's smoothed "time to first output" keeps learning from JSON-only traffic too.
    const firstOutputMs = sample.ttftMs ?? sample.answerMs;
    if (firstOutputMs !== undefined) entry.ewmaTtftMs = ewma(entry.ewmaTtftMs, firstOutputMs, this.alpha);
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
        ttft: new PercentileRing(this.ttftSamples),
        answer: new PercentileRing(this.ttftSamples),
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
