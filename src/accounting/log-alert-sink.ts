import type { AccountingLogger } from './accounting-logger.js';
import type { Alert, AlertSink } from './alert.js';

/** One warning log line per alert. */
export class LogAlertSink implements AlertSink {
  constructor(private readonly logger: AccountingLogger) {}

  emit(alert: Alert): void {
    this.logger.warn({ alert }, alert.kind === 'budget_threshold' ? 'budget alert' : 'spend anomaly alert');
  }
}
