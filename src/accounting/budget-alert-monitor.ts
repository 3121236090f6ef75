import type { AlertStateStore } from '../state/alert-state-store.js';
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

  constructor(options: BudgetAlertMonitorOptions) {
    this.alertState = options.alertState;
    this.sinks = options.sinks;
    this.thresholds = options.thresholds ?? DEFAULT_ALERT_THRESHOLDS;
    this.logger = options.logger ?? silentLogger;
  }

  /** A SpendListener: pass to `BudgetService.onSpend`. */
  readonly onSpend = async (event: SpendEvent): Promise<void> => {
    // Formatted only when an alert fires: this runs on every settlement.
    let at: string | undefined;
    for (const status of event.budgets) {
      const { budget } = status;
      if (budget.limitUsd <= 0) continue;
      const share = status.spentUsd / budget.limitUsd;
      for (const threshold of budget.alertThresholds ?? this.thresholds) {
        if (share < threshold) continue;
        const key = `budget:${budget.id}:${status.periodStart}:${budget.limitUsd}:${threshold}`;
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
  };

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
