import type { AlertStateStore } from '../state/alert-state-store.js';
import type { BudgetRecord } from '../state/budget-record.js';
import type { AccountingLogger } from './accounting-logger.js';
import { silentLogger } from './accounting-logger.js';
import type { AlertSink, BudgetThresholdAlert } from './alert.js';
import type { SpendEvent } from './budget-service.js';

export const DEFAULT_ALERT_THRESHOLDS: readonly number[] = [0.5, 0.8, 1];

export interface BudgetAlertMonitorOptions {
  alertState: AlertStateStore;
  sinks: AlertSink[];
  /** Shares of a budget's limit; a budget's own thresholds replace these. */
  thresholds?: readonly number[];
  logger?: AccountingLogger;
}

/** Thresholds of one budget whose alert keys are known to be in `seen`, for one period and limit. */
interface SeenThresholds {
  periodStart: number;
  limitUsd: number;
  thresholds: number[];
}

/**
 * Fires an alert when settled spend reaches a threshold of a budget, once per budget, period,
 * limit and threshold. The fired state is kept in the store, so a restart does not fire the same
 * alert again; changing a budget's limit arms its thresholds anew.
 */
export class BudgetAlertMonitor {
  private readonly alertState: AlertStateStore;
  private readonly sinks: AlertSink[];
  private readonly thresholds: readonly number[];
  private readonly logger: AccountingLogger;
  /** Alert keys known to have fired (or being recorded), so the store is asked once per key. */
  private readonly seen = new Set<string>();
  /**
   * Per budget id, the thresholds whose keys are in `seen` for one period and limit: once a
   * budget is past a threshold every settlement looks at it again, and this spares building
   * its key string each time.
   */
  private readonly seenOf = new Map<string, SeenThresholds>();

  constructor(options: BudgetAlertMonitorOptions) {
    this.alertState = options.alertState;
    this.sinks = options.sinks;
    this.thresholds = options.thresholds ?? DEFAULT_ALERT_THRESHOLDS;
    this.logger = options.logger ?? silentLogger;
  }

  /**
   * A SpendListener: pass to `BudgetService.onSpend`. Runs on every settlement, so it returns a
   * promise only when some threshold's key is new and has to be recorded in the store.
   */
  readonly onSpend = (event: SpendEvent): Promise<void> | undefined => (this.anyNew(event) ? this.fire(event) : undefined);

  /** Whether the event crosses a threshold whose key is not in `seen` yet. */
  private anyNew(event: SpendEvent): boolean {
    for (const status of event.budgets) {
      const { budget } = status;
      if (budget.limitUsd <= 0) continue;
      const share = status.spentUsd / budget.limitUsd;
      let known = this.seenOf.get(budget.id);
      if (known === undefined || known.periodStart !== status.periodStart || known.limitUsd !== budget.limitUsd) {
        known = { periodStart: status.periodStart, limitUsd: budget.limitUsd, thresholds: [] };
        this.seenOf.set(budget.id, known);
      }
      for (const threshold of budget.alertThresholds ?? this.thresholds) {
        if (share < threshold || known.thresholds.includes(threshold)) continue;
        if (!this.seen.has(alertKey(budget, status.periodStart, threshold))) return true;
        known.thresholds.push(threshold);
      }
    }
    return false;
  }

  private async fire(event: SpendEvent): Promise<void> {
    // Formatted only when an alert fires.
    let at: string | undefined;
    for (const status of event.budgets) {
      const { budget } = status;
      if (budget.limitUsd <= 0) continue;
      const share = status.spentUsd / budget.limitUsd;
      for (const threshold of budget.alertThresholds ?? this.thresholds) {
        if (share < threshold) continue;
        const key = alertKey(budget, status.periodStart, threshold);
        if (this.seen.has(key)) continue;
        this.seen.add(key);
        if (!(await this.alertState.markAlertFired(key, event.at))) continue;
        const alert: BudgetThresholdAlert = {
          kind: 'budget_threshold', budgetId: budget.id, scope: budget.scope, scopeId: budget.scopeId, period: budget.period,
          periodStart: new Date(status.periodStart).toISOString(), threshold, limitUsd: budget.limitUsd, spentUsd: status.spentUsd,
          at: (at ??= new Date(event.at).toISOString()),
        };
        this.emit(alert);
      }
    }
  }

  private emit(alert: BudgetThresholdAlert): void {
    for (const sink of this.sinks) {
      try {
        sink.emit(alert);
      } catch (error) {
        this.logger.error({ err: error }, 'alert sink failed');
      }
    }
  }
}

/** Once per budget, period, limit and threshold: the key under which the store records the alert. */
function alertKey(budget: BudgetRecord, periodStart: number, threshold: number): string {
  return `budget:${budget.id}:${periodStart}:${budget.limitUsd}:${threshold}`;
}
