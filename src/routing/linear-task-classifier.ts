import { TASK_TYPES, type TaskType } from '../spec/index.js';
import type { TaskClassifier, TaskPrediction } from './task-classifier.js';
import { extractTaskFeatures } from './task-features.js';

/**
 * Weights of a multinomial logistic regression over hashed features, as shipped in
 * `task-classifier-weights.json`: `weights` is base64 of int8 values laid out
 * feature-major (`dimensions` rows of `classes.length` columns), multiplied by `scale`.
 */
export interface TaskClassifierWeights {
  version: 1;
  dimensions: number;
  classes: readonly string[];
  scale: number;
  bias: readonly number[];
  weights: string;
  /** How the weights were made and how well they did on held-out prompts. */
  trainedOn?: Record<string, unknown>;
}

/** Task classifier evaluated in microseconds: a few hundred hashed features times nine classes. */
export class LinearTaskClassifier implements TaskClassifier {
  readonly dimensions: number;
  private readonly classes: readonly TaskType[];
  private readonly weights: Float32Array;
  private readonly bias: Float64Array;

  constructor(options: { dimensions: number; classes: readonly TaskType[]; weights: Float32Array; bias: ArrayLike<number> }) {
    if (options.weights.length !== options.dimensions * options.classes.length) {
      throw new Error(`task classifier weights: expected ${options.dimensions * options.classes.length} values, got ${options.weights.length}`);
    }
    this.dimensions = options.dimensions;
    this.classes = options.classes;
    this.weights = options.weights;
    this.bias = Float64Array.from(options.bias);
  }

  static fromJson(json: TaskClassifierWeights): LinearTaskClassifier {
    const classes = json.classes.map((name) => {
      const task = TASK_TYPES.find((t) => t === name);
      if (!task) throw new Error(`task classifier weights: unknown class ${name}`);
      return task;
    });
    const bytes = Buffer.from(json.weights, 'base64');
    const weights = new Float32Array(bytes.length);
    for (let i = 0; i < bytes.length; i += 1) weights[i] = ((bytes[i] ?? 0) << 24 >> 24) * json.scale;
    return new LinearTaskClassifier({ dimensions: json.dimensions, classes, weights, bias: json.bias });
  }

  /** Raw class scores (logits) for a prompt, in `classes` order. */
  logits(text: string): Float64Array {
    const k = this.classes.length;
    const scores = Float64Array.from(this.bias);
    const { indices, values } = extractTaskFeatures(text, this.dimensions);
    for (let i = 0; i < indices.length; i += 1) {
      const row = (indices[i] ?? 0) * k;
      const value = values[i] ?? 0;
      for (let c = 0; c < k; c += 1) scores[c] = (scores[c] ?? 0) + (this.weights[row + c] ?? 0) * value;
    }
    return scores;
  }

  classify(text: string): TaskPrediction {
    const scores = this.logits(text);
    let max = -Infinity;
    for (const s of scores) max = Math.max(max, s);
    let sum = 0;
    const exp = scores.map((s) => {
      const e = Math.exp(s - max);
      sum += e;
      return e;
    });
    const probabilities = Object.fromEntries(TASK_TYPES.map((t) => [t, 0])) as Record<TaskType, number>;
    let best = 0;
    for (let c = 0; c < this.classes.length; c += 1) {
      const p = (exp[c] ?? 0) / sum;
      probabilities[this.classes[c] as TaskType] = p;
      if (p > (exp[best] ?? 0) / sum) best = c;
    }
    const task = this.classes[best] as TaskType;
    return { task, confidence: probabilities[task], probabilities };
  }
}
