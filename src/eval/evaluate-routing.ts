import { hashWord } from '../routing/learned/prompt-features.js';
import type { ReplayPolicy } from './routing-policy.js';
import type { RoutingExample } from './routing-dataset.js';
import { summarizeCurve, type CurvePoint } from './summarize-curve.js';

export interface PolicyResult {
  name: string;
  /** At the policy's default knob. */
  quality: number;
  costUsd: number;
  qualityPctOfReference: number;
  costPctOfReference: number;
  costPctAt95: number | null;
  costPctAt98: number | null;
  costPctAt100: number | null;
  auc: number;
  curve: CurvePoint[];
  /** Share of prompts per model at the default knob. */
  traffic: Record<string, number>;
}

export interface RoutingEvaluation {
  reference: string;
  /** `k-fold` (each prompt routed by policies fitted on the other folds) or `train-test`. */
  protocol: { kind: 'k-fold'; folds: number } | { kind: 'train-test'; trainExamples: number };
  examples: number;
  models: string[];
  policies: PolicyResult[];
}

export interface EvaluateRoutingOptions {
  policies: readonly ReplayPolicy[];
  models: readonly string[];
  /** Evaluated examples. */
  examples: readonly RoutingExample[];
  /** Fit on these instead of cross-validating on `examples`. */
  train?: readonly RoutingExample[];
  folds?: number;
  /** Called after each fold (or the single fit), for progress bars. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Replays every policy over the examples. Without a separate training set, k-fold
 * cross-validation: each prompt is routed by policies fitted on the other folds, and the routed
 * prompts of all folds are pooled into one curve per policy, so no figure comes from data its
 * policy was fitted to.
 */
export function evaluateRouting(options: EvaluateRoutingOptions): RoutingEvaluation {
  const { examples, models, policies } = options;
  const choices = policies.map(() => new Array<string[]>(examples.length));
  const knobsOf: (readonly number[])[] = [];
  const defaults: number[] = [];
  const record = (fitted: ReturnType<ReplayPolicy['fit']>, p: number, indices: readonly number[]): void => {
    knobsOf[p] = fitted.knobs;
    defaults[p] = fitted.defaultKnob;
    for (const i of indices) {
      const e = examples[i];
      if (e) (choices[p] as string[][])[i] = fitted.choose(e);
    }
  };
  let protocol: RoutingEvaluation['protocol'];
  if (options.train) {
    const all = examples.map((_, i) => i);
    policies.forEach((policy, p) => record(policy.fit({ train: options.train ?? [], models }), p, all));
    options.onProgress?.(1, 1);
    protocol = { kind: 'train-test', trainExamples: options.train.length };
  } else {
    const k = Math.max(2, Math.min(options.folds ?? 5, examples.length));
    const foldOf = assignFolds(examples, k);
    for (let f = 0; f < k; f += 1) {
      const train = examples.filter((_, i) => foldOf[i] !== f);
      const test = examples.flatMap((_, i) => (foldOf[i] === f ? [i] : []));
      policies.forEach((policy, p) => record(policy.fit({ train, models }), p, test));
      options.onProgress?.(f + 1, k);
    }
    protocol = { kind: 'k-fold', folds: k };
  }

  const totals = models.map((m) => examples.reduce((s, e) => s + (e.outcomes[m]?.cost ?? 0), 0));
  let refIndex = 0;
  totals.forEach((t, i) => {
    if (t > (totals[refIndex] ?? 0)) refIndex = i;
  });
  const reference = models[refIndex] ?? '';
  const n = Math.max(1, examples.length);
  // Rounded like the curve points, so that the reference's own point reaches exactly 100 %.
  const refQuality = round(examples.reduce((s, e) => s + (e.outcomes[reference]?.score ?? 0), 0) / n);
  const refCost = round(totals[refIndex] ?? 0);

  const results = policies.map((policy, p): PolicyResult => {
    const knobs = knobsOf[p] ?? [0];
    const picks = choices[p] ?? [];
    const curve = knobs.map((knob, k): CurvePoint => {
      let quality = 0;
      let cost = 0;
      examples.forEach((e, i) => {
        const model = picks[i]?.[k] ?? '';
        quality += e.outcomes[model]?.score ?? 0;
        cost += e.outcomes[model]?.cost ?? 0;
      });
      return { knob, quality: round(quality / n), costUsd: round(cost) };
    });
    const d = nearestIndex(knobs, defaults[p] ?? 0);
    const point = curve[d] ?? { knob: 0, quality: 0, costUsd: 0 };
    const traffic: Record<string, number> = {};
    for (const pick of picks) {
      const model = pick?.[d];
      if (model !== undefined) traffic[model] = (traffic[model] ?? 0) + 1 / n;
    }
    for (const m of Object.keys(traffic)) traffic[m] = round(traffic[m] ?? 0);
    return {
      name: policy.name,
      quality: point.quality,
      costUsd: point.costUsd,
      qualityPctOfReference: round(refQuality > 0 ? (point.quality / refQuality) * 100 : 0),
      costPctOfReference: round(refCost > 0 ? (point.costUsd / refCost) * 100 : 0),
      ...summarizeCurve(curve, { quality: refQuality, costUsd: refCost }),
      curve,
      traffic,
    };
  });
  return { reference, protocol, examples: examples.length, models: [...models], policies: results };
}

/** Stable, seedless fold assignment: a hash of the id, balanced by sorting on it. */
function assignFolds(examples: readonly RoutingExample[], k: number): Int32Array {
  const order = examples.map((e, i) => ({ i, h: hashWord(`fold:${e.id}`) })).sort((a, b) => a.h - b.h || a.i - b.i);
  const folds = new Int32Array(examples.length);
  order.forEach((o, rank) => {
    folds[o.i] = rank % k;
  });
  return folds;
}

function nearestIndex(values: readonly number[], target: number): number {
  let best = 0;
  values.forEach((v, i) => {
    if (Math.abs(v - target) < Math.abs((values[best] ?? 0) - target)) best = i;
  });
  return best;
}

function round(v: number): number {
  return Math.round(v * 1_000_000) / 1_000_000;
}
