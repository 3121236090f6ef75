import type { AttemptSummary, GatewayObserver, RequestFinishedEvent } from './gateway-observer.js';
import { StatsBucket } from './stats-bucket.js';
import { summarizeBucket, type StatsSummary } from './stats-summary.js';
import { TimeRing, TimeSlot } from './time-ring.js';

export interface RollingStatsOptions {
  now?: () => number;
  /** Fine slots: 10 s wide, one hour kept (defaults). */
  fineSlotMs?: number;
  fineSlots?: number;
  /** Coarse slots: 5 min wide, one day kept (defaults). */
  coarseSlotMs?: number;
  coarseSlots?: number;
}

export interface StatsReport {
  /** The window in ms; absent for "since start". */
  windowMs?: number;
  from: number;
  to: number;
  gateway: StatsSummary;
  deployments: Array<{ deploymentId: string } & StatsSummary>;
}

export interface SeriesPoint {
  /** Slot start, epoch ms. */
  t: number;
  requests: number;
  errors: number;
  costUsd: number;
  /** Calls per deployment in this slot. */
  byDeployment: Record<string, number>;
}

type Answer = Parameters<StatsBucket['addAnswer']>[0];

/** The last attempt that answered (without `findLast`'s closure per request). */
function lastAnswered<T extends Pick<AttemptSummary, 'outcome'>>(attempts: readonly T[]): T | undefined {
  for (let i = attempts.length - 1; i >= 0; i -= 1) {
    const attempt = attempts[i];
    if (attempt?.outcome === 'ok') return attempt;
  }
  return undefined;
}

/**
 * Per-deployment and gateway-wide statistics over sliding windows and since start, fed by the
 * request-finished event. Memory is bounded: two time rings (fine and coarse) plus one running
 * total, each holding fixed-size histograms.
 */
export class RollingStats implements GatewayObserver {
  private readonly now: () => number;
  private readonly fine: TimeRing;
  private readonly coarse: TimeRing;
  private readonly sinceStart: TimeSlot;

  constructor(options: RollingStatsOptions = {}) {
    this.now = options.now ?? Date.now;
    this.fine = new TimeRing(options.fineSlotMs ?? 10_000, options.fineSlots ?? 360);
    this.coarse = new TimeRing(options.coarseSlotMs ?? 300_000, options.coarseSlots ?? 288);
    this.sinceStart = new TimeSlot(this.now());
  }

  /** The longest window a report can cover besides "since start". */
  get maxWindowMs(): number {
    return this.coarse.spanMs;
  }

  requestFinished(event: RequestFinishedEvent): void {
    const now = this.now();
    const usage = event.usage;
    const attempts: ReadonlyArray<Pick<AttemptSummary, 'deploymentId' | 'outcome' | 'latencyMs' | 'ttftMs' | 'errorCode'>> =
      event.attempts.length > 0 || event.deploymentId === undefined
        ? event.attempts
        : [{ deploymentId: event.deploymentId, outcome: event.outcome, latencyMs: event.latencyMs, ttftMs: event.ttftMs }];
    const answering = event.outcome === 'ok' ? lastAnswered(attempts) : undefined;
    const answer = {
      inputTokens: usage?.inputTokens ?? 0,
      outputTokens: usage?.outputTokens ?? 0,
      cachedTokens: usage?.cachedInputTokens ?? 0,
      generationMs: answering?.latencyMs ?? event.latencyMs,
      costUsd: event.costUsd,
    };
    // The gateway row times the whole request; built once for the three slots rather than per slot.
    const whole = { inputTokens: answer.inputTokens, outputTokens: answer.outputTokens, cachedTokens: answer.cachedTokens, generationMs: event.latencyMs, costUsd: answer.costUsd };
    // Spend and tokens belong to the deployment that answered (or the last one tried).
    const payer = answering?.deploymentId ?? event.deploymentId;
    this.record(this.fine.slotAt(now), event, attempts, answer, whole, payer);
    this.record(this.coarse.slotAt(now), event, attempts, answer, whole, payer);
    this.record(this.sinceStart, event, attempts, answer, whole, payer);
  }

  private record(
    slot: TimeSlot,
    event: RequestFinishedEvent,
    attempts: ReadonlyArray<Pick<AttemptSummary, 'deploymentId' | 'outcome' | 'latencyMs' | 'ttftMs'>>,
    answer: Answer,
    whole: Answer,
    payer: string | undefined,
  ): void {
    slot.total.addCall(event.outcome, event.latencyMs, event.ttftMs);
    slot.total.addAnswer(whole);
    for (const attempt of attempts) {
      // A leg superseded by a sibling's answer is neither a success nor a failure of its deployment.
      if (attempt.outcome !== 'superseded') slot.deployment(attempt.deploymentId).addCall(attempt.outcome, attempt.latencyMs, attempt.ttftMs);
    }
    if (payer !== undefined) slot.deployment(payer).addAnswer(answer);
  }

  /** Statistics over the last `windowMs` (or since start when undefined). */
  report(windowMs?: number): StatsReport {
    const now = this.now();
    if (windowMs === undefined) return this.toReport([this.sinceStart], this.sinceStart.start, now, undefined);
    const ring = windowMs <= this.fine.spanMs ? this.fine : this.coarse;
    const span = Math.min(windowMs, ring.spanMs);
    return this.toReport(ring.slotsWithin(span, now), now - span, now, span);
  }

  /** Per-slot counts over the last `windowMs`, every slot present (empty ones as zeros), for charts. */
  series(windowMs: number): { stepMs: number; points: SeriesPoint[] } {
    const now = this.now();
    const ring = windowMs <= this.fine.spanMs ? this.fine : this.coarse;
    const span = Math.min(windowMs, ring.spanMs);
    const byStart = new Map(ring.slotsWithin(span, now).map((slot) => [slot.start, slot]));
    const points: SeriesPoint[] = [];
    const last = Math.floor(now / ring.widthMs) * ring.widthMs;
    for (let t = last - span + ring.widthMs; t <= last; t += ring.widthMs) {
      const slot = byStart.get(t);
      const byDeployment: Record<string, number> = {};
      if (slot !== undefined) for (const [id, bucket] of slot.deployments) if (bucket.calls > 0) byDeployment[id] = bucket.calls;
      points.push({ t, requests: slot?.total.calls ?? 0, errors: slot?.total.errorCount ?? 0, costUsd: slot?.total.costUsd ?? 0, byDeployment });
    }
    return { stepMs: ring.widthMs, points };
  }

  private toReport(slots: TimeSlot[], from: number, to: number, windowMs: number | undefined): StatsReport {
    const total = new StatsBucket();
    const deployments = new Map<string, StatsBucket>();
    for (const slot of slots) {
      total.merge(slot.total);
      for (const [id, bucket] of slot.deployments) {
        let merged = deployments.get(id);
        if (merged === undefined) {
          merged = new StatsBucket();
          deployments.set(id, merged);
        }
        merged.merge(bucket);
      }
    }
    const report: StatsReport = {
      from,
      to,
      gateway: summarizeBucket(total),
      deployments: [...deployments]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([deploymentId, bucket]) => ({ deploymentId, ...summarizeBucket(bucket) })),
    };
    if (windowMs !== undefined) report.windowMs = windowMs;
    return report;
  }
}
