import type { Logger, LevelWithSilent, DestinationStream } from 'pino';
import type { LiveStats } from '../spec/live-stats.js';
import { combineObservers } from './combine-observers.js';
import { distinctBreakerChanges } from './distinct-breaker-changes.js';
import { createLogger } from './create-logger.js';
import { buildDashboardSnapshot, type BatchProgressView, type DashboardSnapshot } from './dashboard-snapshot.js';
import type { DecisionLog } from './decision-record.js';
import { DecisionRecorder } from './decision-recorder.js';
import { GatewayMetrics, type GatewayMetricsOptions } from './gateway-metrics.js';
import type { BudgetLevel, GatewayObserver } from './gateway-observer.js';
import { MemoryDecisionLog, type MemoryDecisionLogOptions } from './memory-decision-log.js';
import { RequestLogListener } from './request-log-listener.js';
import { RollingStats, type RollingStatsOptions } from './rolling-stats.js';
import { StatusBoard } from './status-board.js';
import type { Tracing } from './create-tracing.js';

export interface TelemetryOptions {
  /** The gateway's logger; built from `logging` when absent. */
  logger?: Logger;
  logging?: { level?: LevelWithSilent; logPrompts?: boolean; destination?: DestinationStream };
  metrics?: GatewayMetricsOptions;
  stats?: RollingStatsOptions;
  /** A persistent decision log (e.g. `SqliteDecisionLog`); the bounded memory log otherwise. Closed with the telemetry. */
  decisionLog?: DecisionLog;
  /** Retention of the memory decision log. */
  decisions?: MemoryDecisionLogOptions;
  /** From `createTracing`, when tracing is on. */
  tracing?: Tracing;
  now?: () => number;
}

/** Everything observability needs, built once at start-up; `observer` is what the engine calls. */
export interface Telemetry {
  readonly observer: GatewayObserver;
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  readonly stats: RollingStats;
  readonly decisions: DecisionLog;
  readonly board: StatusBoard;
  /** Whether request events should carry prompt and completion text. */
  readonly capturePrompts: boolean;
  /** Lets metrics and the dashboard read breaker states and in-flight counts from the engine. */
  attachLiveStats(source: () => LiveStats[]): void;
  /** Lets metrics and the dashboard read budget levels from cost control (e.g. its admin `getBudgets`). */
  attachBudgets(source: () => Promise<readonly BudgetLevel[]> | readonly BudgetLevel[]): void;
  /** Lets the dashboard show batch jobs' progress (from the batch runner). */
  attachBatches(source: () => readonly BatchProgressView[]): void;
  dashboard(windowMs: number): Promise<DashboardSnapshot>;
  close(): Promise<void>;
}

export function createTelemetry(options: TelemetryOptions = {}): Telemetry {
  const now = options.now ?? Date.now;
  const logger =
    options.logger ??
    createLogger({ level: options.logging?.level ?? 'info', ...(options.logging?.destination ? { destination: options.logging.destination } : {}) });
  const capturePrompts = options.logging?.logPrompts === true;
  const metrics = new GatewayMetrics(options.metrics);
  const stats = new RollingStats({ now, ...options.stats });
  const decisions: DecisionLog = options.decisionLog ?? new MemoryDecisionLog({ now, ...options.decisions });
  const board = new StatusBoard();
  const listeners: GatewayObserver[] = [metrics, stats, new DecisionRecorder(decisions), board, new RequestLogListener(logger, { logPrompts: capturePrompts })];
  if (options.tracing !== undefined) listeners.push(options.tracing.observer);
  const observer = distinctBreakerChanges(combineObservers(listeners, (error, event) => logger.error({ err: error, event }, 'telemetry listener failed')) ?? {});
  let liveStats: (() => LiveStats[]) | undefined;
  let budgets: (() => Promise<readonly BudgetLevel[]> | readonly BudgetLevel[]) | undefined;
  let batches: (() => readonly BatchProgressView[]) | undefined;
  return {
    observer,
    logger,
    metrics,
    stats,
    decisions,
    board,
    capturePrompts,
    attachLiveStats(source) {
      liveStats = source;
      metrics.trackLiveStats(source);
    },
    attachBudgets(source) {
      budgets = source;
      metrics.trackBudgets(source);
    },
    attachBatches(source) {
      batches = source;
    },
    dashboard(windowMs) {
      return buildDashboardSnapshot({ stats, decisions, board, now, ...(liveStats ? { liveStats } : {}), ...(budgets ? { budgets } : {}), ...(batches ? { batches } : {}) }, windowMs);
    },
    async close() {
      // A collector that is down must not make shutdown fail.
      await options.tracing?.shutdown().catch((error: unknown) => logger.warn({ err: error }, 'trace export failed at shutdown'));
      await decisions.close?.();
      logger.flush();
    },
  };
}
