import type { BenchRecord } from './run-model-bench.js';
import { percentile } from './percentile.js';

/** Aggregates of one model on one task type (or `all`). */
export interface BenchSummaryRow {
  model: string;
  task: string;
  requests: number;
  errors: number;
  /** Answers a scorer could grade. */
  scored: number;
  /** Mean score of the graded answers, 0–1; null when none was graded. */
  quality: number | null;
  /** Failed calls count as wrong: mean over graded answers and failures. */
  qualityWithErrors: number | null;
  ttftP50Ms: number;
  ttftP95Ms: number;
  totalP50Ms: number;
  totalP95Ms: number;
  /** Output tokens over the time spent generating them (total minus TTFT), summed over answers. */
  outputTokensPerSecond: number;
  costUsd: number;
  costPerRequestUsd: number;
  /** Requests whose cost the gateway did not report. */
  costUnknown: number;
}

function summarize(model: string, task: string, records: readonly BenchRecord[]): BenchSummaryRow {
  const answered = records.filter((r) => r.error === undefined);
  const graded = answered.filter((r) => r.score !== null);
  const errors = records.length - answered.length;
  const sum = graded.reduce((total, r) => total + (r.score as number), 0);
  let tokens = 0;
  let generationMs = 0;
  for (const r of answered) {
    tokens += r.outputTokens ?? 0;
    generationMs += Math.max((r.totalMs ?? 0) - (r.ttftMs ?? 0), 0);
  }
  const costs = answered.filter((r) => r.costUsd !== undefined).map((r) => r.costUsd as number);
  const cost = costs.reduce((a, b) => a + b, 0);
  return {
    model,
    task,
    requests: records.length,
    errors,
    scored: graded.length,
    quality: graded.length === 0 ? null : sum / graded.length,
    qualityWithErrors: graded.length + errors === 0 ? null : sum / (graded.length + errors),
    ttftP50Ms: percentile(answered.map((r) => r.ttftMs ?? 0), 50),
    ttftP95Ms: percentile(answered.map((r) => r.ttftMs ?? 0), 95),
    totalP50Ms: percentile(answered.map((r) => r.totalMs ?? 0), 50),
    totalP95Ms: percentile(answered.map((r) => r.totalMs ?? 0), 95),
    outputTokensPerSecond: generationMs > 0 ? tokens / (generationMs / 1000) : Number.NaN,
    costUsd: cost,
    costPerRequestUsd: costs.length === 0 ? Number.NaN : cost / costs.length,
    costUnknown: answered.length - costs.length,
  };
}

/** One row per model and task type seen, plus one `all` row per model; models in the order given. */
export function summarizeModelBench(records: readonly BenchRecord[], models: readonly string[]): BenchSummaryRow[] {
  const rows: BenchSummaryRow[] = [];
  for (const model of models) {
    const own = records.filter((r) => r.model === model);
    rows.push(summarize(model, 'all', own));
    const tasks = [...new Set(own.map((r) => r.task))].sort();
    for (const task of tasks) rows.push(summarize(model, task, own.filter((r) => r.task === task)));
  }
  return rows;
}
