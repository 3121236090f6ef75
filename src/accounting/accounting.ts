import type { Store } from '../state/store.js';
import type { AccountingLogger } from './accounting-logger.js';
import { silentLogger } from './accounting-logger.js';
import { AdminService } from './admin-service.js';
import type { AlertSink } from './alert.js';
import { BudgetAlertMonitor } from './budget-alert-monitor.js';
import type { BudgetCounter } from './budget-counter.js';
import { BudgetService } from './budget-service.js';
import { systemClock, type Clock } from './clock.js';
import { KeyService } from './key-service.js';
import { LedgerWriter, type LedgerWriterOptions } from './ledger-writer.js';
import { LogAlertSink } from './log-alert-sink.js';
import { SpendAnomalyDetector, type SpendAnomalyRule } from './spend-anomaly-detector.js';

export interface AccountingOptions {
  /** Opened and migrated by the caller (MemoryStore, SqliteStore, later Postgres); closed by `close()`. */
  store: Store;
  clock?: Clock;
  logger?: AccountingLogger;
  /** Shared counters for scale-out; in-process memory by default. */
  counter?: BudgetCounter;
  keyCacheTtlMs?: number;
  ledger?: Omit<LedgerWriterOptions, 'store' | 'logger'>;
  /** Extra alert sinks (metric, webhook); a log sink is always there. */
  alertSinks?: AlertSink[];
  /** Default budget thresholds, shares of the limit. Default 0.5, 0.8, 1. */
  alertThresholds?: number[];
  /** The spend-rate anomaly rule, or false to turn it off. */
  anomaly?: SpendAnomalyRule | false;
}

/**
 * Everything cost control needs, wired once at start: keys, budgets with reservations, the
 * ledger writer, alerts and the admin operations. `open` loads budgets and rebuilds spend from
 * the ledger before it resolves.
 */
export class Accounting {
  readonly store: Store;
  readonly keys: KeyService;
  readonly budgets: BudgetService;
  readonly ledger: LedgerWriter;
  readonly admin: AdminService;
  readonly anomalies: SpendAnomalyDetector | undefined;
  private readonly sinks: AlertSink[];

  private constructor(options: AccountingOptions) {
    const clock = options.clock ?? systemClock;
    const logger = options.logger ?? silentLogger;
    this.store = options.store;
    this.sinks = [new LogAlertSink(logger), ...(options.alertSinks ?? [])];
    this.keys = new KeyService({ store: this.store.keys, clock, ...(options.keyCacheTtlMs === undefined ? {} : { cacheTtlMs: options.keyCacheTtlMs }) });
    this.budgets = new BudgetService({
      budgets: this.store.budgets, ledger: this.store.ledger, clock, logger,
      ...(options.counter === undefined ? {} : { counter: options.counter }),
    });
    this.ledger = new LedgerWriter({ ...options.ledger, store: this.store.ledger, logger });
    this.admin = new AdminService({ keys: this.keys, budgets: this.budgets, ledger: this.store.ledger, clock });
    const monitor = new BudgetAlertMonitor({
      alertState: this.store.alerts, sinks: this.sinks, logger,
      ...(options.alertThresholds === undefined ? {} : { thresholds: options.alertThresholds }),
    });
    this.budgets.onSpend(monitor.onSpend);
    this.anomalies =
      options.anomaly === false
        ? undefined
        : new SpendAnomalyDetector({ ...options.anomaly, alertState: this.store.alerts, sinks: this.sinks, clock, logger });
    if (this.anomalies) this.budgets.onSpend(this.anomalies.onSpend);
  }

  static async open(options: AccountingOptions): Promise<Accounting> {
    const accounting = new Accounting(options);
    await accounting.budgets.load();
    await accounting.anomalies?.load(accounting.store.ledger);
    return accounting;
  }

  /** Writes the queued ledger entries, stops the alert sinks and closes the store. */
  async close(): Promise<void> {
    try {
      await this.ledger.close();
    } finally {
      await Promise.allSettled(this.sinks.map((s) => s.close?.()));
      await this.store.close();
    }
  }
}
