import type { ReplayPolicy } from '../routing-policy.js';

/**
 * The upper limit: for each prompt, the cheapest model among those with the best recorded score.
 * It reads the outcomes it is scored on, which no real router can.
 */
export const oraclePolicy: ReplayPolicy = {
  name: 'oracle',
  fit: ({ models }) => ({
    knobs: [0],
    defaultKnob: 0,
    choose(example) {
      let best = models[0] ?? '';
      let bestScore = -Infinity;
      let bestCost = Infinity;
      for (const m of models) {
        const o = example.outcomes[m];
        if (!o) continue;
        if (o.score > bestScore || (o.score === bestScore && o.cost < bestCost)) {
          best = m;
          bestScore = o.score;
          bestCost = o.cost;
        }
      }
      return [best];
    },
  }),
};
