import { LinearTaskClassifier, type TaskClassifierWeights } from './linear-task-classifier.js';
import shipped from './task-classifier-weights.json' with { type: 'json' };

let instance: LinearTaskClassifier | undefined;

/**
 * The classifier trained by `scripts/train-task-classifier.ts` and shipped with the package;
 * decoded once on first use (about a millisecond).
 */
export function defaultTaskClassifier(): LinearTaskClassifier {
  instance ??= LinearTaskClassifier.fromJson(shipped as TaskClassifierWeights);
  return instance;
}
