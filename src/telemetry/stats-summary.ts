import type { StatsBucket } from './stats-bucket.js';

/** The per-scope numbers `/admin/stats`, the dashboard and `switchyard report` show. */
export interface StatsSummary {
  /** Calls (per deployment: upstream attempts on it; gateway-wide: client requests). */
  requests: number;
  errors: number;
  errorRate: number;
  /** Failure share per outcome class. */
  errorRateByClass: Record<string, number>;
  latencyMs: { p50?: number; p95?: number; p99?: number };
  ttftMs: { p50?: number; p95?: number };
  tokens: { input: number; output: number; cached: number };
  /** Output tokens per second of answering time. */
  outputTokensPerSecond?: number;
  costUsd: { total: number; average: number };
}

const round = (value: number | undefined, digits = 1): number | undefined =>
  value === undefined ? undefined : Math.round(value * 10 ** digits) / 10 ** digits;

export function summarizeBucket(bucket: StatsBucket): StatsSummary {
  const errors = bucket.errorCount;
  const errorRateByClass: Record<string, number> = {};
  for (const [outcome, count] of Object.entries(bucket.errors)) {
    if (count !== undefined && count > 0) errorRateByClass[outcome] = count / bucket.calls;
  }
  return {
    requests: bucket.calls,
    errors,
    errorRate: bucket.calls === 0 ? 0 : errors / bucket.calls,
    errorRateByClass,
    latencyMs: { p50: round(bucket.latency.quantile(0.5)), p95: round(bucket.latency.quantile(0.95)), p99: round(bucket.latency.quantile(0.99)) },
    ttftMs: { p50: round(bucket.ttft.quantile(0.5)), p95: round(bucket.ttft.quantile(0.95)) },
    tokens: { input: bucket.inputTokens, output: bucket.outputTokens, cached: bucket.cachedTokens },
    outputTokensPerSecond: bucket.generationMs > 0 ? round((bucket.outputTokens * 1000) / bucket.generationMs) : undefined,
    costUsd: { total: bucket.costUsd, average: bucket.costedCalls === 0 ? 0 : bucket.costUsd / bucket.costedCalls },
  };
}
