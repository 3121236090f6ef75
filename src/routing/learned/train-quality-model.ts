import { TASK_TYPES, type TaskType } from '../../spec/index.js';
import { defaultTaskClassifier } from '../default-task-classifier.js';
import { sensitivityFor, sigmoid, softplus } from './learned-quality-model.js';
import { buildRarityTable, DENSE_FEATURE_NAMES, extractPromptFeatures } from './prompt-features.js';
import { ANY_TASK, type ModelWeights, type QualityModelWeights } from './quality-model-weights.js';

/** One recorded prompt with the score (in [0, 1]) each model's answer got; missing models are skipped. */
export interface QualityTrainingExample {
  prompt: string;
  task: string;
  outcomes: Readonly<Record<string, { score: number }>>;
}

export interface TrainQualityModelOptions {
  hashBuckets?: number;
  rarityBuckets?: number;
  epochs?: number;
  learningRate?: number;
  /** L2 penalties: shared item parameters, per-model dense residuals, hashed n-gram weights. */
  l2Item?: number;
  l2Residual?: number;
  l2Hashed?: number;
  /** L2 penalty on the per-task part of the difficulty weights (what makes a prompt hard differs by task). */
  l2TaskItem?: number;
  /** L2 penalty on the per-(model, task) residuals: a model's blind spots differ by task. */
  l2TaskResidual?: number;
  /** Per-model weights on hashed n-grams too (slower, and prone to overfit a few thousand prompts). */
  modelNgrams?: boolean;
  /** Gateway task type per training task; guessed with the shipped task classifier when absent. */
  taskTypes?: Record<string, TaskType>;
}

const DEFAULTS = { l2TaskItem: 0.3, l2TaskResidual: 0.03, modelNgrams: false, hashBuckets: 1024, rarityBuckets: 4096, epochs: 250, learningRate: 0.05, l2Item: 1e-3, l2Residual: 3e-3, l2Hashed: 3e-2 };
/** softplus(0.5413) = 1: every prompt starts equally discriminating. */
const INITIAL_DISCRIMINATION_BIAS = 0.5413;

/**
 * Fits the item-response model of `QualityModelWeights` by full-batch Adam on the log loss of
 * every (prompt, model) outcome. Deterministic (no random initialisation), a second or two for a
 * few thousand prompts and a dozen models.
 */
export function trainQualityModel(examples: readonly QualityTrainingExample[], options: TrainQualityModelOptions = {}): QualityModelWeights {
  const o = { ...DEFAULTS, ...options };
  if (examples.length === 0) throw new Error('cannot train the quality model on no examples');
  const rarity = buildRarityTable(examples.map((e) => e.prompt), o.rarityBuckets);
  // Trained on the same rounded values that ship, so inference sees exactly the training features.
  rarity.idf = rarity.idf.map((v) => Math.round(v * 100) / 100);
  rarity.maxIdf = round(rarity.maxIdf);
  const raw = examples.map((e) => extractPromptFeatures(e.prompt, { hashBuckets: o.hashBuckets, rarity }));
  const D = DENSE_FEATURE_NAMES.length;
  const B = o.hashBuckets;
  const N = examples.length;
  const mean = new Float64Array(D);
  const scale = new Float64Array(D);
  for (const r of raw) for (let j = 0; j < D; j += 1) mean[j] = (mean[j] ?? 0) + (r.dense[j] ?? 0) / N;
  for (const r of raw) for (let j = 0; j < D; j += 1) scale[j] = (scale[j] ?? 0) + ((r.dense[j] ?? 0) - (mean[j] ?? 0)) ** 2 / N;
  // A feature that barely varies would blow up once standardized (and round to a zero scale).
  for (let j = 0; j < D; j += 1) scale[j] = round(Math.max(1e-3, Math.sqrt(scale[j] ?? 0)));
  for (let j = 0; j < D; j += 1) mean[j] = round(mean[j] ?? 0);
  const X = raw.map((r) => r.dense.map((v, j) => (v - (mean[j] ?? 0)) / (scale[j] ?? 1)));

  const tasks = [...new Set(examples.map((e) => e.task))].sort();
  const models = [...new Set(examples.flatMap((e) => Object.keys(e.outcomes)))].sort();
  const T = tasks.length;
  const M = models.length;
  const taskOf = Int32Array.from(examples.map((e) => tasks.indexOf(e.task)));
  const obs = examples.map((e) =>
    models.flatMap((m, mi) => {
      const score = e.outcomes[m]?.score;
      return typeof score === 'number' && Number.isFinite(score) ? [{ mi, y: Math.min(1, Math.max(0, score)) }] : [];
    }),
  );
  const count = obs.reduce((n, list) => n + list.length, 0) || 1;

  // Parameter blocks, laid end to end in one vector so that Adam runs over all of them at once.
  const layout = { theta: M * T, s: M, dTask: T, wd: D, wdt: T * D, wdh: B, aTask: T, wa: D, r: M * D, rt: M * T * D, rh: o.modelNgrams ? M * B : 0 };
  const offsets: Record<keyof typeof layout, number> = { theta: 0, s: 0, dTask: 0, wd: 0, wdt: 0, wdh: 0, aTask: 0, wa: 0, r: 0, rt: 0, rh: 0 };
  let size = 0;
  for (const key of Object.keys(layout) as (keyof typeof layout)[]) {
    offsets[key] = size;
    size += layout[key];
  }
  const p = new Float64Array(size);
  for (let t = 0; t < T; t += 1) p[offsets.aTask + t] = INITIAL_DISCRIMINATION_BIAS;
  p.fill(1, offsets.s, offsets.s + M);
  const g = new Float64Array(size);
  const m1 = new Float64Array(size);
  const m2 = new Float64Array(size);
  const penalty = new Float64Array(size);
  penalty.fill(o.l2Item, offsets.wd, offsets.wd + D);
  penalty.fill(o.l2TaskItem, offsets.wdt, offsets.wdt + T * D);
  penalty.fill(o.l2Item, offsets.wa, offsets.wa + D);
  penalty.fill(o.l2Hashed, offsets.wdh, offsets.wdh + B);
  penalty.fill(o.l2Residual, offsets.r, offsets.r + M * D);
  penalty.fill(o.l2TaskResidual, offsets.rt, offsets.rt + M * T * D);
  penalty.fill(o.l2Hashed, offsets.rh, offsets.rh + layout.rh);
  penalty.fill(1e-4, offsets.theta, offsets.theta + M * T);
  // Sensitivities shrink towards 1 (every model equally sensitive to difficulty), not towards 0.
  penalty.fill(o.l2Item, offsets.s, offsets.s + M);
  const anchor = new Float64Array(size);
  anchor.fill(1, offsets.s, offsets.s + M);

  for (let epoch = 1; epoch <= o.epochs; epoch += 1) {
    g.fill(0);
    for (let i = 0; i < N; i += 1) {
      const x = X[i] ?? new Float64Array(D);
      const hashed = raw[i]?.hashed ?? new Int32Array(0);
      const t = taskOf[i] ?? 0;
      let delta = p[offsets.dTask + t] ?? 0;
      let eta = p[offsets.aTask + t] ?? 0;
      for (let j = 0; j < D; j += 1) {
        delta += ((p[offsets.wd + j] ?? 0) + (p[offsets.wdt + t * D + j] ?? 0)) * (x[j] ?? 0);
        eta += (p[offsets.wa + j] ?? 0) * (x[j] ?? 0);
      }
      for (const h of hashed) delta += p[offsets.wdh + h] ?? 0;
      const a = softplus(eta);
      let gDelta = 0;
      let gA = 0;
      for (const { mi, y } of obs[i] ?? []) {
        const theta = p[offsets.theta + mi * T + t] ?? 0;
        const sensitivity = p[offsets.s + mi] ?? 1;
        let z = a * (theta - sensitivity * delta);
        const rOff = offsets.r + mi * D;
        const rhOff = offsets.rh + mi * B;
        const rtOff = offsets.rt + (mi * T + t) * D;
        for (let j = 0; j < D; j += 1) z += ((p[rOff + j] ?? 0) + (p[rtOff + j] ?? 0)) * (x[j] ?? 0);
        if (o.modelNgrams) for (const h of hashed) z += p[rhOff + h] ?? 0;
        const err = (sigmoid(z) - y) / count;
        g[offsets.theta + mi * T + t] = (g[offsets.theta + mi * T + t] ?? 0) + err * a;
        g[offsets.s + mi] = (g[offsets.s + mi] ?? 0) - err * a * delta;
        gDelta -= err * a * sensitivity;
        gA += err * (theta - sensitivity * delta);
        for (let j = 0; j < D; j += 1) {
          g[rOff + j] = (g[rOff + j] ?? 0) + err * (x[j] ?? 0);
          g[rtOff + j] = (g[rtOff + j] ?? 0) + err * (x[j] ?? 0);
        }
        if (o.modelNgrams) for (const h of hashed) g[rhOff + h] = (g[rhOff + h] ?? 0) + err;
      }
      const gEta = gA * sigmoid(eta);
      g[offsets.dTask + t] = (g[offsets.dTask + t] ?? 0) + gDelta;
      g[offsets.aTask + t] = (g[offsets.aTask + t] ?? 0) + gEta;
      for (let j = 0; j < D; j += 1) {
        g[offsets.wd + j] = (g[offsets.wd + j] ?? 0) + gDelta * (x[j] ?? 0);
        g[offsets.wdt + t * D + j] = (g[offsets.wdt + t * D + j] ?? 0) + gDelta * (x[j] ?? 0);
        g[offsets.wa + j] = (g[offsets.wa + j] ?? 0) + gEta * (x[j] ?? 0);
      }
      for (const h of hashed) g[offsets.wdh + h] = (g[offsets.wdh + h] ?? 0) + gDelta;
    }
    const lr = o.learningRate;
    const c1 = 1 - 0.9 ** epoch;
    const c2 = 1 - 0.999 ** epoch;
    for (let k = 0; k < size; k += 1) {
      const grad = (g[k] ?? 0) + (penalty[k] ?? 0) * ((p[k] ?? 0) - (anchor[k] ?? 0));
      const v1 = 0.9 * (m1[k] ?? 0) + 0.1 * grad;
      const v2 = 0.999 * (m2[k] ?? 0) + 0.001 * grad * grad;
      m1[k] = v1;
      m2[k] = v2;
      p[k] = (p[k] ?? 0) - (lr * (v1 / c1)) / (Math.sqrt(v2 / c2) + 1e-8);
    }
  }

  const slice = (key: keyof typeof layout, from = 0, length = layout[key]): number[] =>
    Array.from(p.subarray(offsets[key] + from, offsets[key] + from + length), (v) => round(v));
  const taskCounts = tasks.map((task) => examples.filter((e) => e.task === task).length);
  const modelWeights: Record<string, ModelWeights> = {};
  models.forEach((name, mi) => {
    const ability: Record<string, number> = {};
    let weighted = 0;
    tasks.forEach((task, t) => {
      const theta = p[offsets.theta + mi * T + t] ?? 0;
      ability[task] = round(theta);
      weighted += theta * (taskCounts[t] ?? 0);
    });
    ability[ANY_TASK] = round(weighted / N);
    const residualHashed: Record<string, number> = {};
    for (let h = 0; o.modelNgrams && h < B; h += 1) {
      const w = p[offsets.rh + mi * B + h] ?? 0;
      if (Math.abs(w) >= 0.005) residualHashed[String(h)] = round(w);
    }
    modelWeights[name] = {
      ability,
      sensitivity: round(p[offsets.s + mi] ?? 1),
      residualDense: slice('r', mi * D, D),
      residualByTask: Object.fromEntries(tasks.map((task, t) => [task, slice('rt', (mi * T + t) * D, D)])),
      residualHashed,
    };
  });

  const weights: QualityModelWeights = {
    version: 1,
    hashBuckets: B,
    rarity: { buckets: rarity.buckets, maxIdf: rarity.maxIdf, idf: Array.from(rarity.idf) },
    featureNames: [...DENSE_FEATURE_NAMES],
    featureMean: Array.from(mean),
    featureScale: Array.from(scale),
    tasks,
    taskTypes: options.taskTypes ?? guessTaskTypes(examples, tasks),
    difficulty: {
      taskBias: byTask(tasks, slice('dTask')),
      dense: slice('wd'),
      denseByTask: Object.fromEntries(tasks.map((task, t) => [task, slice('wdt', t * D, D)])),
      hashed: slice('wdh'),
    },
    discrimination: { taskBias: byTask(tasks, slice('aTask')), dense: slice('wa') },
    models: modelWeights,
    sensitivityFromAbility: { intercept: 1, slope: 0 },
    calibration: {},
    trainedOn: { prompts: N, models: M, tasks, outcomes: count },
  };
  weights.sensitivityFromAbility = fitSensitivity(modelWeights);
  weights.calibration = buildCalibration(weights, examples);
  return weights;
}

/** Least-squares line of sensitivity on overall ability across the trained models. */
function fitSensitivity(models: Record<string, ModelWeights>): { intercept: number; slope: number } {
  const points = Object.values(models).map((m) => ({ x: m.ability[ANY_TASK] ?? 0, y: m.sensitivity }));
  if (points.length < 2) return { intercept: points[0]?.y ?? 1, slope: 0 };
  const mx = points.reduce((s, p) => s + p.x, 0) / points.length;
  const my = points.reduce((s, p) => s + p.y, 0) / points.length;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.x - mx) ** 2;
    sxy += (p.x - mx) * (p.y - my);
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  return { intercept: round(my - slope * mx), slope: round(slope) };
}

function byTask(tasks: readonly string[], values: readonly number[]): Record<string, number> {
  return Object.fromEntries(tasks.map((t, i) => [t, values[i] ?? 0]));
}

function round(v: number): number {
  return Math.round(v * 10_000) / 10_000;
}

/** Majority vote of the shipped task classifier over each training task's prompts. */
function guessTaskTypes(examples: readonly QualityTrainingExample[], tasks: readonly string[]): Record<string, TaskType> {
  const classifier = defaultTaskClassifier();
  const result: Record<string, TaskType> = {};
  for (const task of tasks) {
    const votes = new Map<TaskType, number>();
    for (const e of examples) if (e.task === task) {
      const predicted = classifier.classify(e.prompt).task;
      votes.set(predicted, (votes.get(predicted) ?? 0) + 1);
    }
    let best: TaskType = TASK_TYPES[0];
    let bestVotes = -1;
    for (const [type, n] of votes) if (n > bestVotes) [best, bestVotes] = [type, n];
    result[task] = best;
  }
  return result;
}

const CALIBRATION_GRID = Array.from({ length: 61 }, (_, i) => -6 + i * 0.25);

/** Average predicted quality over each task's prompts (and all prompts) along an ability grid. */
function buildCalibration(weights: QualityModelWeights, examples: readonly QualityTrainingExample[]): QualityModelWeights['calibration'] {
  // Item parameters only: residuals belong to trained models, not to the one being placed.
  const items = itemParameters(weights, examples);
  const groups = new Map<string, { d: number; a: number }[]>([[ANY_TASK, items.map((x) => x.item)]]);
  for (const { task, item } of items) {
    const list = groups.get(task) ?? [];
    list.push(item);
    groups.set(task, list);
  }
  const calibration: QualityModelWeights['calibration'] = {};
  for (const [task, list] of groups) {
    calibration[task] = {
      abilities: CALIBRATION_GRID,
      quality: CALIBRATION_GRID.map((ability) => {
        const sensitivity = sensitivityFor(weights, ability);
        return round(list.reduce((s, it) => s + sigmoid(it.a * (ability - sensitivity * it.d)), 0) / list.length);
      }),
    };
  }
  return calibration;
}

function itemParameters(weights: QualityModelWeights, examples: readonly QualityTrainingExample[]): { task: string; item: { d: number; a: number } }[] {
  const rarity = { buckets: weights.rarity.buckets, maxIdf: weights.rarity.maxIdf, idf: Float64Array.from(weights.rarity.idf) };
  return examples.map((e) => {
    const f = extractPromptFeatures(e.prompt, { hashBuckets: weights.hashBuckets, rarity });
    let d = weights.difficulty.taskBias[e.task] ?? 0;
    let eta = weights.discrimination.taskBias[e.task] ?? 0;
    const byTask = weights.difficulty.denseByTask[e.task] ?? [];
    f.dense.forEach((v, j) => {
      const x = (v - (weights.featureMean[j] ?? 0)) / (weights.featureScale[j] ?? 1);
      d += ((weights.difficulty.dense[j] ?? 0) + (byTask[j] ?? 0)) * x;
      eta += (weights.discrimination.dense[j] ?? 0) * x;
    });
    for (const h of f.hashed) d += weights.difficulty.hashed[h] ?? 0;
    return { task: e.task, item: { d, a: softplus(eta) } };
  });
}
