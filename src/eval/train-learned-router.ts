import { basename } from 'node:path';
import type { QualityModelWeights } from '../routing/learned/quality-model-weights.js';
import { trainQualityModel } from '../routing/learned/train-quality-model.js';
import { LEARNED_ROUTER_TRAINING } from './policies/learned-router-policy.js';
import type { RoutingDataset } from './routing-dataset.js';

/** Trains the shipped quality model with the settings the evaluation validates. */
export function trainLearnedRouter(dataset: RoutingDataset, source: string): QualityModelWeights {
  const weights = trainQualityModel(dataset.examples, LEARNED_ROUTER_TRAINING);
  weights.trainedOn = { ...weights.trainedOn, source: basename(source), settings: LEARNED_ROUTER_TRAINING };
  return weights;
}
