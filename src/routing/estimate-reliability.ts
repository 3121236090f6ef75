import type { LiveStats } from '../spec/index.js';

/** What we assume of a deployment we have not measured: most hosted APIs succeed ~98% of the time. */
const PRIOR_SUCCESS = 0.98;
/** Samples the prior is worth; a handful of early failures should not condemn a deployment. */
const PRIOR_WEIGHT = 20;
const HALF_OPEN_FACTOR = 0.6;

export interface ReliabilityEstimate {
  /** Expected success probability in [0, 1]. */
  value: number;
  detail: string;
}

/** Success probability from the live error rate, shrunk towards a prior while samples are few. */
export function estimateReliability(stats: LiveStats | undefined): ReliabilityEstimate {
  if (!stats || stats.samples <= 0 || stats.errorRate === undefined) {
    const value = stats?.breaker === 'half_open' ? PRIOR_SUCCESS * HALF_OPEN_FACTOR : PRIOR_SUCCESS;
    return { value, detail: stats?.breaker === 'half_open' ? 'breaker half-open, not measured yet' : 'not measured yet' };
  }
  const observed = 1 - Math.min(1, Math.max(0, stats.errorRate));
  let value = (PRIOR_SUCCESS * PRIOR_WEIGHT + observed * stats.samples) / (PRIOR_WEIGHT + stats.samples);
  let detail = `error rate ${(stats.errorRate * 100).toFixed(1)}% over ${stats.samples} samples`;
  if (stats.breaker === 'half_open') {
    value *= HALF_OPEN_FACTOR;
    detail += ', breaker half-open';
  }
  return { value, detail };
}
