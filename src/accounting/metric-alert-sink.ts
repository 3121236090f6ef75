import type { Alert, AlertSink } from './alert.js';

/** The part of a prom-client Counter this sink uses; a `Counter` with these label names fits. */
export interface AlertCounter {
  inc(labels: { kind: string; scope: string; threshold: string }): void;
}

/** Counts alerts, labelled by kind, scope and threshold ("anomaly" for spend anomalies). */
export class MetricAlertSink implements AlertSink {
  constructor(private readonly counter: AlertCounter) {}

  emit(alert: Alert): void {
    this.counter.inc({
      kind: alert.kind,
      scope: alert.scope,
      threshold: alert.kind === 'budget_threshold' ? String(alert.threshold) : 'anomaly',
    });
  }
}
