import { LearnedQualityModel } from './learned-quality-model.js';
import type { QualityModelWeights } from './quality-model-weights.js';
import shipped from './quality-model-weights.json' with { type: 'json' };

let instance: LearnedQualityModel | undefined;

/**
 * The quality model trained by `switchyard train-router` on the project's routing outcomes and
 * shipped with the package; decoded once on first use.
 */
export function defaultLearnedQualityModel(): LearnedQualityModel {
  instance ??= new LearnedQualityModel(shipped as QualityModelWeights);
  return instance;
}
