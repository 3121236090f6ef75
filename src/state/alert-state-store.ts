/**
 * Which alerts have fired, so that an alert fires once per budget period even across restarts.
 * Alert keys are opaque strings chosen by the caller (budget, period start and threshold).
 */
export interface AlertStateStore {
  /** Records the alert as fired; true when it had not fired before (the caller should emit it). */
  markAlertFired(alertKey: string, firedAtMs: number): Promise<boolean>;
  hasAlertFired(alertKey: string): Promise<boolean>;
}
