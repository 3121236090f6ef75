/** What we have measured of a deployment. Absent fields mean "not measured yet". */
export interface LiveStats {
  deploymentId: string;
  /** Exponentially weighted moving averages. */
  ewmaLatencyMs?: number;
  ewmaTtftMs?: number;
  p95TtftMs?: number;
  /** Recent failure share in [0, 1] (server-side classes only; caller errors do not count). */
  errorRate?: number;
  samples: number;
  breaker: 'closed' | 'open' | 'half_open';
  inFlight: number;
  /** True while the deployment is at its RPM/TPM/concurrency limit. */
  saturated?: boolean;
}
