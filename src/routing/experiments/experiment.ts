/** An A/B experiment as configured: two or more arms with traffic shares and a sticky key. */
export interface Experiment {
  id: string;
  arms: readonly ExperimentArm[];
  /** What keeps a caller on one arm: their API key or the request's `user`. */
  stickyBy: 'key' | 'user';
  /** Metrics to compare, e.g. `feedback`, `cost`, `latency`, `error`. */
  metrics: readonly string[];
  /** Set when an arm was promoted: it takes all traffic. */
  promoted?: string;
}

export interface ExperimentArm {
  name: string;
  /** Relative share of traffic; shares are normalized over the arms still running. */
  share: number;
  /** A policy name, or a deployment for an alias. */
  target: string;
  stopped?: boolean;
}
