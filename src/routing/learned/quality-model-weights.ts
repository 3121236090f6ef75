import type { TaskType } from '../../spec/index.js';

/**
 * The learned quality model as shipped (`quality-model-weights.json`) and as produced by
 * `trainQualityModel`. An item-response-theory model with text-derived item parameters:
 *
 *   P(model m answers prompt x of task t well) =
 *     sigmoid(a(x) * (ability[m][t] - sensitivity[m] * difficulty(x)) + residual[m] . x)
 *
 * where `difficulty(x)` and the discrimination `a(x) = softplus(.)` are linear in the prompt's
 * standardized features; `sensitivity` lets a small model fall off faster on hard prompts than a
 * frontier one; the per-model residual captures what one model finds hard that the others do
 * not. A model without weights gets an ability from its declared quality through the
 * calibration table (see `LearnedQualityModel.abilityForQuality`), the sensitivity the trained
 * models of that ability have (`sensitivityFromAbility`), and no residual.
 */
export interface QualityModelWeights {
  version: 1;
  hashBuckets: number;
  /** Inverse document frequency per hashed word bucket (see `buildRarityTable`). */
  rarity: { buckets: number; maxIdf: number; idf: number[] };
  featureNames: string[];
  featureMean: number[];
  featureScale: number[];
  /** Task keys of the training data, e.g. benchmark names. */
  tasks: string[];
  /** Which gateway task type each training task stands for, so live requests find their scale. */
  taskTypes: Record<string, TaskType>;
  /** Difficulty weights: shared, plus a per-task part added for prompts of that task. */
  difficulty: { taskBias: Record<string, number>; dense: number[]; denseByTask: Record<string, number[]>; hashed: number[] };
  discrimination: { taskBias: Record<string, number>; dense: number[] };
  models: Record<string, ModelWeights>;
  /** Line through (overall ability, sensitivity) of the trained models, for models placed by declared quality. */
  sensitivityFromAbility: { intercept: number; slope: number };
  /**
   * Per task (and `*` for all prompts): the average predicted quality over the training prompts
   * at each ability on a grid, increasing; inverted to place a declared quality on the scale.
   */
  calibration: Record<string, { abilities: number[]; quality: number[] }>;
  /** How and on what the weights were trained, for `switchyard eval` and the curious. */
  trainedOn?: Record<string, unknown>;
}

export interface ModelWeights {
  /** Ability per task key; `*` is the prompt-weighted average, used for tasks it never saw. */
  ability: Record<string, number>;
  /** How fast this model's chances fall with prompt difficulty; 1 is average. */
  sensitivity: number;
  residualDense: number[];
  /** Added to `residualDense` for prompts of each training task. */
  residualByTask: Record<string, number[]>;
  /** Sparse residual over hashed n-grams: bucket -> weight, only non-negligible entries. */
  residualHashed: Record<string, number>;
}

export const ANY_TASK = '*';
