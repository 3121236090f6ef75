/** Latency percentile by nearest rank; `sorted` ascending. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? 0;
}

/** How many requests took 1, 2, 3, ... upstream attempts, keyed by the count as a string. */
export function histogram(counts: readonly number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const count of [...counts].sort((a, b) => a - b)) out[String(count)] = (out[String(count)] ?? 0) + 1;
  return out;
}

/** USD rounded to 1e-8 (a millionth of a cent), so that sums of tiny prices compare exactly. */
export function roundUsd(value: number): number {
  return Math.round(value * 1e8) / 1e8;
}

export interface RunSummary {
  requests: number;
  succeeded: number;
  successRate: number;
  attemptsHistogram: Record<string, number>;
  p50Ms: number;
  p99Ms: number;
}

export interface RequestResult {
  ok: boolean;
  latencyMs: number;
  attempts: number;
}

export function summarize(results: readonly RequestResult[]): RunSummary {
  const latencies = results.map((r) => r.latencyMs).sort((a, b) => a - b);
  const succeeded = results.filter((r) => r.ok).length;
  return {
    requests: results.length,
    succeeded,
    successRate: results.length === 0 ? 0 : succeeded / results.length,
    attemptsHistogram: histogram(results.map((r) => r.attempts)),
    p50Ms: Math.round(percentile(latencies, 50) * 10) / 10,
    p99Ms: Math.round(percentile(latencies, 99) * 10) / 10,
  };
}
