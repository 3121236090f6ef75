import { extractPromptFeatures, type RarityTable } from './prompt-features.js';
import { ANY_TASK, type QualityModelWeights } from './quality-model-weights.js';

/** What the model computes once per prompt; every candidate's prediction reuses it. */
export interface PromptAssessment {
  /** Task key on the learned scale (`*` when the prompt's task was never trained on). */
  task: string;
  difficulty: number;
  discrimination: number;
  /** Standardized dense features. */
  features: Float64Array;
  hashed: Int32Array;
}

export interface QualityPrediction {
  quality: number;
  /** Where the ability came from: the learned weights, or a declared quality mapped onto the scale. */
  basis: 'learned' | 'declared';
  ability: number;
}

interface DecodedModel {
  ability: ReadonlyMap<string, number>;
  sensitivity: number;
  residualDense: Float64Array;
  /** Shared plus per-task residual, per task key. */
  residualByTask: ReadonlyMap<string, Float64Array>;
  residualHashed: ReadonlyMap<number, number>;
}

/**
 * Inference side of the learned quality model: a feature pass over the prompt (a few
 * microseconds), then one dot product per known candidate. Decoded from weights once.
 */
export class LearnedQualityModel {
  readonly tasks: readonly string[];
  private readonly rarity: RarityTable;
  private readonly mean: Float64Array;
  private readonly scale: Float64Array;
  private readonly difficultyDense: Float64Array;
  private readonly difficultyByTask = new Map<string, Float64Array>();
  private readonly difficultyHashed: Float64Array;
  private readonly discriminationDense: Float64Array;
  private readonly models = new Map<string, DecodedModel>();

  constructor(readonly weights: QualityModelWeights) {
    const width = weights.featureNames.length;
    for (const [name, values] of [
      ['featureMean', weights.featureMean],
      ['featureScale', weights.featureScale],
      ['difficulty.dense', weights.difficulty.dense],
      ['discrimination.dense', weights.discrimination.dense],
    ] as const) {
      if (values.length !== width) throw new Error(`quality model weights: ${name} has ${values.length} values, expected ${width}`);
    }
    if (weights.difficulty.hashed.length !== weights.hashBuckets) {
      throw new Error(`quality model weights: difficulty.hashed has ${weights.difficulty.hashed.length} values, expected ${weights.hashBuckets}`);
    }
    this.tasks = weights.tasks;
    this.rarity = { buckets: weights.rarity.buckets, maxIdf: weights.rarity.maxIdf, idf: Float64Array.from(weights.rarity.idf) };
    this.mean = Float64Array.from(weights.featureMean);
    this.scale = Float64Array.from(weights.featureScale, (v) => (v > 0 ? v : 1));
    this.difficultyDense = Float64Array.from(weights.difficulty.dense);
    for (const task of weights.tasks) {
      const values = weights.difficulty.denseByTask?.[task];
      if (!values) throw new Error(`quality model weights: no difficulty.denseByTask for ${task} (weights from an older trainer?)`);
      if (values.length !== width) throw new Error(`quality model weights: difficulty.denseByTask.${task} has ${values.length} values, expected ${width}`);
      const combined = Float64Array.from(values, (v, j) => v + (this.difficultyDense[j] ?? 0));
      this.difficultyByTask.set(task, combined);
    }
    this.difficultyHashed = Float64Array.from(weights.difficulty.hashed);
    this.discriminationDense = Float64Array.from(weights.discrimination.dense);
    for (const [name, model] of Object.entries(weights.models)) {
      if (typeof model.sensitivity !== 'number') throw new Error(`quality model weights: ${name} has no sensitivity (weights from an older trainer?)`);
      if (model.residualDense.length !== width) throw new Error(`quality model weights: ${name} residual has ${model.residualDense.length} values, expected ${width}`);
      this.models.set(name, {
        ability: new Map(Object.entries(model.ability)),
        sensitivity: model.sensitivity,
        residualDense: Float64Array.from(model.residualDense),
        residualByTask: new Map(
          weights.tasks.map((task) => {
            const values = model.residualByTask?.[task];
            if (!values || values.length !== width) throw new Error(`quality model weights: ${name} residualByTask.${task} missing or of the wrong length`);
            return [task, Float64Array.from(values, (v, j) => v + (model.residualDense[j] ?? 0))];
          }),
        ),
        residualHashed: new Map(Object.entries(model.residualHashed).map(([k, v]) => [Number(k), v])),
      });
    }
  }

  knows(model: string): boolean {
    return this.models.has(model);
  }

  get modelNames(): string[] {
    return [...this.models.keys()];
  }

  /** The task key for a gateway task type, or `*` when no training task stands for it. */
  taskForType(taskType: string): string {
    for (const task of this.tasks) if (this.weights.taskTypes[task] === taskType) return task;
    return ANY_TASK;
  }

  assess(prompt: string, task: string): PromptAssessment {
    const key = this.tasks.includes(task) ? task : ANY_TASK;
    const raw = extractPromptFeatures(prompt, { hashBuckets: this.weights.hashBuckets, rarity: this.rarity });
    const features = new Float64Array(raw.dense.length);
    for (let j = 0; j < features.length; j += 1) features[j] = ((raw.dense[j] ?? 0) - (this.mean[j] ?? 0)) / (this.scale[j] ?? 1);
    let difficulty = key === ANY_TASK ? averageOf(this.weights.difficulty.taskBias) : (this.weights.difficulty.taskBias[key] ?? 0);
    let eta = key === ANY_TASK ? averageOf(this.weights.discrimination.taskBias) : (this.weights.discrimination.taskBias[key] ?? 0);
    const difficultyWeights = this.difficultyByTask.get(key) ?? this.difficultyDense;
    for (let j = 0; j < features.length; j += 1) {
      const x = features[j] ?? 0;
      difficulty += (difficultyWeights[j] ?? 0) * x;
      eta += (this.discriminationDense[j] ?? 0) * x;
    }
    for (const h of raw.hashed) difficulty += this.difficultyHashed[h] ?? 0;
    return { task: key, difficulty, discrimination: softplus(eta), features, hashed: raw.hashed };
  }

  /**
   * Probability that `model` answers the assessed prompt well. A model the weights do not know
   * needs `declaredQuality` (its configured or benchmarked quality for the task, in [0, 1]);
   * without it the prediction is undefined.
   */
  predict(assessment: PromptAssessment, model: string, declaredQuality?: number): QualityPrediction | undefined {
    const known = this.models.get(model);
    if (known) {
      const ability = known.ability.get(assessment.task) ?? known.ability.get(ANY_TASK) ?? 0;
      let z = assessment.discrimination * (ability - known.sensitivity * assessment.difficulty);
      const x = assessment.features;
      const residual = known.residualByTask.get(assessment.task) ?? known.residualDense;
      for (let j = 0; j < x.length; j += 1) z += (residual[j] ?? 0) * (x[j] ?? 0);
      for (const h of assessment.hashed) z += known.residualHashed.get(h) ?? 0;
      return { quality: sigmoid(z), basis: 'learned', ability };
    }
    if (declaredQuality === undefined) return undefined;
    const ability = this.abilityForQuality(assessment.task, declaredQuality);
    const sensitivity = sensitivityFor(this.weights, ability);
    return { quality: sigmoid(assessment.discrimination * (ability - sensitivity * assessment.difficulty)), basis: 'declared', ability };
  }

  /**
   * Places a declared average quality on the learned ability scale: the ability at which the
   * model's average predicted quality over the task's training prompts equals the declared one.
   * Hard prompts then get a lower prediction than easy ones, as for the trained models.
   */
  abilityForQuality(task: string, quality: number): number {
    const table = this.weights.calibration[task] ?? this.weights.calibration[ANY_TASK];
    if (!table || table.abilities.length === 0) return 0;
    const { abilities, quality: q } = table;
    const last = abilities.length - 1;
    if (quality <= (q[0] ?? 0)) return abilities[0] ?? 0;
    if (quality >= (q[last] ?? 1)) return abilities[last] ?? 0;
    for (let i = 1; i <= last; i += 1) {
      const hi = q[i] ?? 1;
      if (quality <= hi) {
        const lo = q[i - 1] ?? 0;
        const a0 = abilities[i - 1] ?? 0;
        const a1 = abilities[i] ?? 0;
        return hi === lo ? a1 : a0 + ((quality - lo) / (hi - lo)) * (a1 - a0);
      }
    }
    return abilities[last] ?? 0;
  }
}

/** The sensitivity a model of this ability is given when the weights do not know it. */
export function sensitivityFor(weights: Pick<QualityModelWeights, 'sensitivityFromAbility'>, ability: number): number {
  const line = weights.sensitivityFromAbility;
  // Kept within the range trained models show: extrapolating a line far out would flip its sign.
  return Math.min(3, Math.max(0.2, line.intercept + line.slope * ability));
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

export function softplus(x: number): number {
  return x > 20 ? x : Math.log1p(Math.exp(x));
}

function averageOf(values: Record<string, number>): number {
  const list = Object.values(values);
  return list.length ? list.reduce((a, b) => a + b, 0) / list.length : 0;
}
