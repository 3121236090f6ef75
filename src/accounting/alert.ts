import type { BudgetPeriod, BudgetScope } from '../state/budget-record.js';

/** A budget crossed one of its thresholds in its current period. */
export interface BudgetThresholdAlert {
  kind: 'budget_threshold';
  budgetId: string;
  scope: BudgetScope;
  scopeId: string;
  period: BudgetPeriod;
  /** ISO 8601. */
  periodStart: string;
  /** Share of the limit, e.g. 0.8. */
  threshold: number;
  limitUsd: number;
  spentUsd: number;
  /** ISO 8601. */
  at: string;
}

/** Spend in the last hour far above the usual hourly rate (see SpendAnomalyDetector). */
export interface SpendAnomalyAlert {
  kind: 'spend_anomaly';
  scope: BudgetScope;
  scopeId: string;
  lastHourUsd: number;
  baselineHourlyUsd: number;
  /** lastHourUsd / baselineHourlyUsd (Infinity when the baseline is zero). */
  ratio: number;
  /** ISO 8601. */
  at: string;
}

export type Alert = BudgetThresholdAlert | SpendAnomalyAlert;

/** Where alerts go. `emit` must return quickly: slow delivery happens in the background. */
export interface AlertSink {
  emit(alert: Alert): void;
  /** Waits for background deliveries to finish and stops; optional. */
  close?(): Promise<void>;
}
