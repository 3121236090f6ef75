import type { AlertStateStore } from '../state/alert-state-store.js';
import { GLOBAL_SCOPE_ID, type BudgetScope } from '../state/budget-record.js';
import type { LedgerStore } from '../state/ledger-store.js';
import { nanosToUsd, usdToNanos } from '../state/usd-nanos.js';
import type { AccountingLogger } from './accounting-logger.js';
import { silentLogger } from './accounting-logger.js';
import type { AlertSink, SpendAnomalyAlert } from './alert.js';
import type { SpendEvent } from './budget-service.js';
import { systemClock, type Clock } from './clock.js';

/**
 * Spend is kept in five-minute buckets: at most 300 per scope over 25 hours. The sums of the
 * trailing hour and of the baseline are kept running, so a check after each settlement touches
 * only the buckets that moved across a window edge since the last check, not a day of history.
 */
const BUCKET_MS = 5 * 60_000;
const BUCKETS_PER_HOUR = 12;
const HOUR_MS = 3_600_000;

export interface SpendAnomalyRule {
  /** Last hour's spend must exceed the baseline hourly rate by this factor. Default 4. */
  factor?: number;
  /** ...and be at least this many dollars, so that small absolute swings stay quiet. Default 1. */
  minSpendUsd?: number;
  /** Hours of history the baseline averages over, at most. Default 24. */
  baselineHours?: number;
  /** Hours of history needed before judging at all. Default 3. */
  minHistoryHours?: number;
}

export interface SpendAnomalyDetectorOptions extends SpendAnomalyRule {
  alertState: AlertStateStore;
  sinks: AlertSink[];
  clock?: Clock;
  logger?: AccountingLogger;
}

interface Series {
  /** Bucket number since the epoch -> settled nano-dollars. */
  buckets: Map<number, number>;
  /** Epoch ms from which this series has complete data. */
  since: number;
  /**
   * First bucket of the trailing hour and of the baseline at the last measurement (NaN before
   * one), and the nano-dollars of the buckets from there on: `last` from `windowStart`, `before`
   * from `historyStart` up to `windowStart`. Buckets below `historyStart` are already dropped.
   */
  windowStart: number;
  historyStart: number;
  last: number;
  before: number;
  /**
   * The detector's `markGeneration` when this scope's alert of the current clock hour was last
   * marked in the store (NaN: never), so that a scope over the threshold is not asked again.
   */
  markedIn: number;
}

/**
 * The spend-rate anomaly rule, checked for the gateway, each team and each key after every
 * settlement: with `lastHour` the spend settled in the trailing hour (the current five-minute bucket and
 * the 11 before it) and `baseline` the
 * average hourly spend over the up to `baselineHours` hours before that (only hours for which
 * there is data: since start, or since what `load` rebuilt from the ledger), an alert fires when
 * there are at least `minHistoryHours` of history, lastHour >= minSpendUsd and
 * lastHour > factor × baseline. It fires at most once per scope per clock hour, recorded in the
 * alert state store so that a restart does not repeat it.
 */
export class SpendAnomalyDetector {
  private readonly rule: Required<SpendAnomalyRule>;
  private readonly alertState: AlertStateStore;
  private readonly sinks: AlertSink[];
  private readonly clock: Clock;
  private readonly logger: AccountingLogger;
  /** The gateway's series, and those of teams and keys by name: no `<scope>:<id>` string per settlement. */
  private globalSeries: Series | undefined;
  private readonly teamSeries = new Map<string, Series>();
  private readonly keySeries = new Map<string, Series>();
  private readonly startedAt: number;
  /**
   * Once a scope is over the threshold every settlement re-checks it; without remembering which
   * scopes' alerts of the current clock hour are already marked in the store, each would be a
   * store write. A scope is marked when its series' `markedIn` equals this generation, which
   * moves on whenever the clock hour changes.
   */
  private markGeneration = 0;
  private markedHour = Number.NaN;

  constructor(options: SpendAnomalyDetectorOptions) {
    this.rule = {
      factor: options.factor ?? 4,
      minSpendUsd: options.minSpendUsd ?? 1,
      baselineHours: options.baselineHours ?? 24,
      minHistoryHours: options.minHistoryHours ?? 3,
    };
    this.alertState = options.alertState;
    this.sinks = options.sinks;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.startedAt = this.clock();
  }

  /**
   * Rebuilds the gateway-wide series from the ledger's hourly spend, so that the baseline
   * survives a restart. Each hour's spend is placed at the start of its hour. Keys and teams
   * start fresh and are judged once `minHistoryHours` have passed since their first spend.
   */
  async load(ledger: LedgerStore): Promise<void> {
    const now = this.clock();
    const from = Math.floor(now / HOUR_MS) * HOUR_MS - (this.rule.baselineHours + 1) * HOUR_MS;
    const rows = await ledger.spendReport({ groupBy: 'hour', from, to: now + 1 });
    const series = this.seriesOf('global', GLOBAL_SCOPE_ID, from);
    series.since = from;
    for (const row of rows) {
      if (row.group === null) continue;
      const hour = Date.parse(`${row.group}:00:00Z`);
      addSpend(series, Math.floor(hour / BUCKET_MS), usdToNanos(row.costUsd));
    }
    // `since` moved, so the running sums start over at the next measurement.
    forgetSums(series);
  }

  /** A SpendListener: pass to `BudgetService.onSpend`. */
  /**
   * A SpendListener: pass to `BudgetService.onSpend`. Returns a promise only when an alert has
   * to be marked in the store; a settlement that alerts nobody makes none.
   */
  readonly onSpend = (event: SpendEvent): Promise<void> | undefined => this.spend(event, 0);

  /** Last hour and baseline of a scope at `now`, as the rule sees them; undefined without enough history. */
  measure(scope: BudgetScope, scopeId: string, now = this.clock()): { lastHourUsd: number; baselineHourlyUsd: number } | undefined {
    const byId = this.seriesMap(scope);
    const series = byId !== undefined ? byId.get(scopeId) : scopeId === GLOBAL_SCOPE_ID ? this.globalSeries : undefined;
    const historyHours = series && this.measureSeries(series, now);
    if (series === undefined || historyHours === undefined) return undefined;
    return { lastHourUsd: nanosToUsd(series.last), baselineHourlyUsd: nanosToUsd(series.before) / historyHours };
  }

  /**
   * Adds the spend to the gateway's, the team's and the key's series and checks each, in that
   * order, from step `from` on; when a check has to wait for the store, the rest follow it.
   */
  private spend(event: SpendEvent, from: number): Promise<void> | undefined {
    const { team, keyId } = event.target;
    const bucket = Math.floor(event.at / BUCKET_MS);
    const nanos = usdToNanos(event.amountUsd);
    for (let step = from; step < 3; step++) {
      const scope: BudgetScope = step === 0 ? 'global' : step === 1 ? 'team' : 'key';
      const scopeId = step === 0 ? GLOBAL_SCOPE_ID : step === 1 ? team : keyId;
      if (scopeId === undefined) continue;
      // A key or team is judged against its own history, which begins with its first spend.
      const series = this.seriesOf(scope, scopeId, step === 0 ? this.startedAt : event.at);
      addSpend(series, bucket, nanos);
      const pending = this.check(scope, scopeId, series, event.at);
      if (pending !== undefined) return pending.then(() => this.spend(event, step + 1));
    }
    return undefined;
  }

  /** Judges one scope; a promise only when its alert is due and has to be marked in the store. */
  private check(scope: BudgetScope, scopeId: string, series: Series, now: number): Promise<void> | undefined {
    const historyHours = this.measureSeries(series, now);
    if (historyHours === undefined) return undefined;
    const lastHourUsd = nanosToUsd(series.last);
    const baselineHourlyUsd = nanosToUsd(series.before) / historyHours;
    if (lastHourUsd < this.rule.minSpendUsd || lastHourUsd <= this.rule.factor * baselineHourlyUsd) return undefined;
    const hour = Math.floor(now / HOUR_MS) * HOUR_MS;
    if (hour !== this.markedHour) {
      this.markGeneration += 1;
      this.markedHour = hour;
    }
    if (series.markedIn === this.markGeneration) return undefined;
    series.markedIn = this.markGeneration;
    return this.fire(scope, scopeId, hour, now, lastHourUsd, baselineHourlyUsd);
  }

  private async fire(scope: BudgetScope, scopeId: string, hour: number, now: number, lastHourUsd: number, baselineHourlyUsd: number): Promise<void> {
    if (!(await this.alertState.markAlertFired(`anomaly:${scope}:${scopeId}:${hour}`, now))) return;
    const alert: SpendAnomalyAlert = {
      kind: 'spend_anomaly', scope, scopeId, lastHourUsd, baselineHourlyUsd,
      ratio: baselineHourlyUsd === 0 ? Infinity : lastHourUsd / baselineHourlyUsd, at: new Date(now).toISOString(),
    };
    for (const sink of this.sinks) {
      try {
        sink.emit(alert);
      } catch (error) {
        this.logger.error({ err: error }, 'alert sink failed');
      }
    }
  }

  /** Brings the series' sums to `now`; the hours of baseline history, or undefined when too few. */
  private measureSeries(series: Series, now: number): number | undefined {
    const windowStart = Math.floor(now / BUCKET_MS) - (BUCKETS_PER_HOUR - 1);
    const historyStart = Math.max(Math.ceil(series.since / BUCKET_MS), windowStart - this.rule.baselineHours * BUCKETS_PER_HOUR);
    const historyHours = (windowStart - historyStart) / BUCKETS_PER_HOUR;
    if (historyHours < this.rule.minHistoryHours) return undefined;
    const moved = windowStart - series.windowStart;
    // Moving forward by less than the whole span touches only the buckets that crossed an edge;
    // a first measurement, a clock that went back or a long quiet spell adds up the map again.
    if (moved >= 0 && historyStart >= series.historyStart && moved <= this.spanBuckets) {
      advance(series, windowStart, historyStart);
    } else {
      recount(series, windowStart, historyStart);
    }
    return historyHours;
  }

  /** Buckets from the oldest baseline bucket to the newest trailing-hour one. */
  private get spanBuckets(): number {
    return (this.rule.baselineHours + 1) * BUCKETS_PER_HOUR;
  }

  private seriesOf(scope: BudgetScope, scopeId: string, since: number): Series {
    const byId = this.seriesMap(scope);
    let series = byId === undefined ? this.globalSeries : byId.get(scopeId);
    if (!series) {
      series = { buckets: new Map(), since, windowStart: Number.NaN, historyStart: Number.NaN, last: 0, before: 0, markedIn: Number.NaN };
      if (byId === undefined) this.globalSeries = series;
      else byId.set(scopeId, series);
    }
    return series;
  }

  /** Where a team's or key's series are kept; undefined for the gateway's one series. */
  private seriesMap(scope: BudgetScope): Map<string, Series> | undefined {
    return scope === 'team' ? this.teamSeries : scope === 'key' ? this.keySeries : undefined;
  }
}

/** Adds settled spend to its bucket and to the running sum that bucket falls in. */
function addSpend(series: Series, bucket: number, nanos: number): void {
  series.buckets.set(bucket, (series.buckets.get(bucket) ?? 0) + nanos);
  if (bucket >= series.windowStart) series.last += nanos;
  else if (bucket >= series.historyStart) series.before += nanos;
  // Older than the baseline (a clock that went back): the next measurement adds up the map again.
  else forgetSums(series);
}

/** Makes the next measurement recount the map (no measurement yet: NaN edges compare false everywhere). */
function forgetSums(series: Series): void {
  series.windowStart = Number.NaN;
  series.historyStart = Number.NaN;
}

/** Moves the window edges forward: buckets leaving the trailing hour join the baseline, buckets leaving the baseline are dropped. */
function advance(series: Series, windowStart: number, historyStart: number): void {
  for (let bucket = series.windowStart; bucket < windowStart; bucket++) {
    const nanos = series.buckets.get(bucket);
    if (nanos === undefined) continue;
    series.last -= nanos;
    series.before += nanos;
  }
  for (let bucket = series.historyStart; bucket < historyStart; bucket++) {
    const nanos = series.buckets.get(bucket);
    if (nanos === undefined) continue;
    series.before -= nanos;
    series.buckets.delete(bucket);
  }
  series.windowStart = windowStart;
  series.historyStart = historyStart;
}

/** Sums the whole map for the given edges, dropping buckets older than the baseline. */
function recount(series: Series, windowStart: number, historyStart: number): void {
  let last = 0;
  let before = 0;
  for (const [bucket, nanos] of series.buckets) {
    if (bucket < historyStart) series.buckets.delete(bucket);
    else if (bucket >= windowStart) last += nanos;
    else before += nanos;
  }
  series.windowStart = windowStart;
  series.historyStart = historyStart;
  series.last = last;
  series.before = before;
}
