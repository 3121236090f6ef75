import { hashWord } from '../../routing/learned/prompt-features.js';
import { LearnedQualityModel } from '../../routing/learned/learned-quality-model.js';
import { trainQualityModel, type TrainQualityModelOptions } from '../../routing/learned/train-quality-model.js';
import { FrontierBudgetPlan } from '../frontier-budget-plan.js';
import type { RoutingExample } from '../routing-dataset.js';
import type { ReplayPolicy } from '../routing-policy.js';

/** Training settings chosen by cross-validation on the project's data (see `switchyard eval routing`). */
export const LEARNED_ROUTER_TRAINING: TrainQualityModelOptions = {
  l2Item: 3,
  l2TaskItem: 1,
  l2Residual: 10,
  l2TaskResidual: 0.1,
  l2Hashed: 3,
  epochs: 150,
};

/**
 * Budget knob: mean spend per prompt, in % of the most expensive model's mean cost per prompt.
 * Finest below 10 %, where the cheap mixes live: there one step of 0.1 % already moves quality
 * by a point, and a coarse grid would step over operating points the task baseline has.
 */
export const BUDGET_KNOBS: readonly number[] = [
  ...Array.from({ length: 400 }, (_, i) => i / 40),
  ...Array.from({ length: 361 }, (_, i) => 10 + i / 4),
];

/**
 * The learned router. Fitted on the training examples: the quality model and a budget plan over
 * every task's cost-quality frontier (`FrontierBudgetPlan`). The knob is a budget; the plan says
 * how many of a task's prompts it pays to move up the task's frontier, and the quality model
 * says which: the ones whose text it rates hardest (its item difficulty), measured against where
 * the task's training prompts stand on the same scale. So the curve follows the task-level
 * frontier at worst (with a useless ranking the upgraded prompts are a random share) and rises
 * above it as far as the text tells which prompts the cheaper model gets wrong.
 *
 * Ranking by difficulty rather than by the predicted gain between the two models (what the
 * per-model abilities and residuals give) is a cross-validated choice: on the project's data the
 * predicted gains ranked prompts worse than chance on most frontier steps, while difficulty, one
 * number per prompt fitted on all models' outcomes at once, ranked them better on most.
 */
export function learnedRouterPolicy(options: TrainQualityModelOptions = LEARNED_ROUTER_TRAINING): ReplayPolicy {
  return {
    name: 'learned',
    fit({ train, models }) {
      const model = new LearnedQualityModel(trainQualityModel(train, options));
      const plan = new FrontierBudgetPlan(train, models);
      const unit = Math.max(1e-12, ...models.map((m) => train.reduce((s, e) => s + (e.outcomes[m]?.cost ?? 0), 0) / Math.max(1, train.length)));
      // A hair of the prompt's hash breaks exact ties, so equal difficulties still split evenly.
      const rank = (example: Pick<RoutingExample, 'id' | 'prompt' | 'task'>): number =>
        model.assess(example.prompt, example.task).difficulty + (hashWord(`tie:${example.id}`) / 2 ** 32) * 1e-9;
      // Where the task's training prompts stand on the ranking, ascending.
      const standing = new Map<string, number[]>();
      for (const e of train) {
        const list = standing.get(e.task) ?? [];
        list.push(rank(e));
        standing.set(e.task, list);
      }
      for (const list of standing.values()) list.sort((a, b) => a - b);
      const fills = BUDGET_KNOBS.map((pct) => plan.fill((pct / 100) * unit));
      return {
        knobs: BUDGET_KNOBS,
        defaultKnob: 33,
        choose(example) {
          const frontier = plan.frontierOf(example.task);
          const list = standing.get(example.task);
          // Share of the task's training prompts ranked at least as hard as this one.
          const harder = list?.length ? (list.length - countBelow(list, rank(example))) / list.length : 1;
          return fills.map(({ byTask, marginalSlope }) => {
            let step = 0;
            if (!list) step = plan.pooledSteps(marginalSlope);
            else {
              const fill = byTask.get(example.task);
              if (fill) step = fill.full + (fill.share > 0 && harder <= fill.share ? 1 : 0);
            }
            return frontier[Math.min(step, frontier.length - 1)] ?? models[0] ?? '';
          });
        },
      };
    },
  };
}

/** Number of sorted values strictly below `value`. */
function countBelow(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] ?? 0) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
