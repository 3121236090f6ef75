import { LearnedQualityModel } from '../../routing/learned/learned-quality-model.js';
import { trainQualityModel, type TrainQualityModelOptions } from '../../routing/learned/train-quality-model.js';
import { PromptCostModel } from '../prompt-cost-model.js';
import { LAMBDA_KNOBS, type ReplayPolicy } from '../routing-policy.js';

/**
 * The learned router: the quality model trained on the training examples predicts each model's
 * chance of answering the prompt well; the knob prices cost against it, in units of the most
 * expensive model's mean cost per prompt, and the model with the best predicted quality minus
 * priced cost wins (the cheaper on ties).
 */
/** Training settings chosen by cross-validation on the project's data (see `switchyard eval routing`). */
export const LEARNED_ROUTER_TRAINING: TrainQualityModelOptions = {
  l2Item: 3,
  l2TaskItem: 1,
  l2Residual: 10,
  l2TaskResidual: 0.1,
  l2Hashed: 3,
  epochs: 150,
};

export function learnedRouterPolicy(options: TrainQualityModelOptions = LEARNED_ROUTER_TRAINING): ReplayPolicy {
  return {
    name: 'learned',
    fit({ train, models }) {
      const model = new LearnedQualityModel(trainQualityModel(train, options));
      const costs = new PromptCostModel(train, models);
      const costUnit = Math.max(1e-12, ...models.map((m) => costs.meanCost.get(m) ?? 0));
      return {
        knobs: LAMBDA_KNOBS,
        defaultKnob: 0.1,
        choose(example) {
          const assessment = model.assess(example.prompt, example.task);
          const options = models.map((m) => ({
            model: m,
            quality: model.predict(assessment, m)?.quality ?? 0,
            cost: costs.predict(m, example) / costUnit,
          }));
          return LAMBDA_KNOBS.map((lambda) => {
            let best = options[0];
            let bestValue = -Infinity;
            for (const o of options) {
              const value = o.quality - lambda * o.cost;
              if (value > bestValue + 1e-12 || (best && Math.abs(value - bestValue) <= 1e-12 && o.cost < best.cost)) {
                best = o;
                bestValue = value;
              }
            }
            return best?.model ?? '';
          });
        },
      };
    },
  };
}
