import { compareArms, type MetricComparison } from '../../routing/experiments/compare-arms.js';
import type { Experiment } from '../../routing/experiments/experiment.js';
import { MetricAccumulator } from '../../routing/experiments/metric-accumulator.js';
import type { DecisionRecord } from '../../telemetry/decision-record.js';
import type { FeedbackEntry } from '../../state/feedback/feedback-entry.js';

type Metric = 'feedback' | 'cost' | 'latency' | 'error';

export interface ArmReport {
  arm: string;
  target: string;
  share: number;
  stopped: boolean;
  promoted: boolean;
  requests: number;
  feedback: { n: number; mean: number | null; interval: [number, number] | null };
  costUsd: { mean: number | null; total: number; interval: [number, number] | null };
  latencyMs: { mean: number | null; interval: [number, number] | null };
  errorRate: { mean: number | null; interval: [number, number] | null };
}

export interface ExperimentReport {
  id: string;
  stickyBy: 'key' | 'user';
  promoted: string | null;
  arms: ArmReport[];
  /** Per metric: each arm against the first (the control), Welch's t-test, Bonferroni-corrected. */
  comparisons: Partial<Record<Metric, MetricComparison['comparisons']>>;
  /** True when any configured metric differs significantly between an arm and the control. */
  significant: boolean;
}

/** JSON has no Infinity: an interval that is not yet known is null. */
function finiteInterval(interval: [number, number]): [number, number] | null {
  return Number.isFinite(interval[0]) && Number.isFinite(interval[1]) ? interval : null;
}

/**
 * Per-arm figures of one experiment from the decision records that entered it and the feedback
 * posted on them: request count, feedback score, cost, latency and error rate, each with a 95%
 * interval, and each arm compared with the first.
 */
export function experimentReport(experiment: Experiment, records: readonly DecisionRecord[], feedbackFor: (decisionId: string) => readonly FeedbackEntry[]): ExperimentReport {
  const metrics = new Map<string, Record<Metric, MetricAccumulator>>();
  const totals = new Map<string, number>();
  for (const arm of experiment.arms) {
    metrics.set(arm.name, { feedback: new MetricAccumulator(), cost: new MetricAccumulator(), latency: new MetricAccumulator(), error: new MetricAccumulator() });
    totals.set(arm.name, 0);
  }
  for (const record of records) {
    if (record.experiment?.id !== experiment.id) continue;
    const acc = metrics.get(record.experiment.arm);
    if (acc === undefined) continue;
    acc.cost.add(record.result.costUsd);
    acc.error.add(record.result.outcome === 'ok' ? 0 : 1);
    if (record.result.outcome === 'ok') acc.latency.add(record.result.latencyMs);
    totals.set(record.experiment.arm, (totals.get(record.experiment.arm) ?? 0) + record.result.costUsd);
    for (const entry of feedbackFor(record.id)) acc.feedback.add(entry.score);
  }
  const keys: Metric[] = ['feedback', 'cost', 'latency', 'error'];
  const compared = new Map<Metric, MetricComparison>();
  for (const metric of keys) {
    compared.set(metric, compareArms(experiment.arms.map((arm) => ({ arm: arm.name, summary: (metrics.get(arm.name) as Record<Metric, MetricAccumulator>)[metric].summary() }))));
  }
  const figure = (metric: Metric, index: number): { mean: number | null; interval: [number, number] | null } => {
    const f = compared.get(metric)?.arms[index];
    if (f === undefined || f.n === 0) return { mean: null, interval: null };
    return { mean: f.mean, interval: finiteInterval(f.interval) };
  };
  const arms = experiment.arms.map((arm, index): ArmReport => {
    const acc = metrics.get(arm.name) as Record<Metric, MetricAccumulator>;
    const feedback = figure('feedback', index);
    const cost = figure('cost', index);
    return {
      arm: arm.name,
      target: arm.target,
      share: arm.share,
      stopped: arm.stopped === true,
      promoted: experiment.promoted === arm.name,
      requests: acc.cost.n,
      feedback: { n: acc.feedback.n, ...feedback },
      costUsd: { ...cost, total: totals.get(arm.name) ?? 0 },
      latencyMs: figure('latency', index),
      errorRate: figure('error', index),
    };
  });
  const comparisons: ExperimentReport['comparisons'] = {};
  let significant = false;
  for (const metric of keys) {
    if (!experiment.metrics.includes(metric)) continue;
    const list = (compared.get(metric)?.comparisons ?? []).map((c) => ({ ...c, interval: finiteInterval(c.interval) ?? ([null, null] as unknown as [number, number]) }));
    comparisons[metric] = list;
    if (list.some((c) => c.significant)) significant = true;
  }
  return { id: experiment.id, stickyBy: experiment.stickyBy, promoted: experiment.promoted ?? null, arms, comparisons, significant };
}
