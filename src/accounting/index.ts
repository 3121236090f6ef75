export { Accounting, type AccountingOptions } from './accounting.js';
export { silentLogger, type AccountingLogger } from './accounting-logger.js';
export { AdminService, budgetView, keyView, type AdminServiceOptions, type BudgetView, type KeyView, type SpendReportView } from './admin-service.js';
export type { Alert, AlertSink, BudgetThresholdAlert, SpendAnomalyAlert } from './alert.js';
export { API_KEY_PREFIX, displayPrefix, generateApiKey, hashApiKey } from './api-key-secret.js';
export { BudgetAlertMonitor, DEFAULT_ALERT_THRESHOLDS, type BudgetAlertMonitorOptions } from './budget-alert-monitor.js';
export type { BudgetCounter, CounterCharge, ReserveOutcome, SlotUsage } from './budget-counter.js';
export { BudgetExceededError } from './budget-exceeded-error.js';
export { periodEnd, periodStart } from './budget-period.js';
export {
  BudgetService, type BudgetServiceOptions, type BudgetStatus, type BudgetTarget, type SetBudgetInput, type SpendEvent, type SpendListener,
} from './budget-service.js';
export { systemClock, type Clock } from './clock.js';
export { KeyService, type CreateKeyInput, type CreatedKey, type KeyInfo, type KeyServiceOptions, type KeyStatus } from './key-service.js';
export { LedgerWriter, type LedgerWriterOptions } from './ledger-writer.js';
export { LogAlertSink } from './log-alert-sink.js';
export { MemoryBudgetCounter } from './memory-budget-counter.js';
export { MetricAlertSink, type AlertCounter } from './metric-alert-sink.js';
export type { Principal } from './principal.js';
export type { Reservation } from './reservation.js';
export { SpendAnomalyDetector, type SpendAnomalyDetectorOptions, type SpendAnomalyRule } from './spend-anomaly-detector.js';
export { verifyAdminAuthorization } from './verify-admin-authorization.js';
export { WebhookAlertSink, type WebhookAlertSinkOptions } from './webhook-alert-sink.js';
