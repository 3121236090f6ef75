import { hashWord } from '../../routing/learned/prompt-features.js';
import type { ReplayPolicy } from '../routing-policy.js';
import { modelFrontier } from '../model-frontier.js';

const KNOBS = Array.from({ length: 21 }, (_, i) => i / 20);

/**
 * Random mixes of neighbouring models on the training data's cost-quality frontier: knob t sets
 * a target cost between the cheapest and the best frontier model, reached by sending each prompt
 * to one of the two frontier models around it at random (a hash of the prompt id, so runs repeat).
 * A router that cannot beat this has learned nothing about prompts.
 */
export const randomMixPolicy: ReplayPolicy = {
  name: 'random-mix',
  fit({ train, models }) {
    const frontier = modelFrontier(train, models);
    const lowCost = frontier[0]?.cost ?? 0;
    const highCost = frontier[frontier.length - 1]?.cost ?? 0;
    return {
      knobs: KNOBS,
      defaultKnob: 0.5,
      choose(example) {
        const u = hashWord(`mix:${example.id}`) / 2 ** 32;
        return KNOBS.map((t) => {
          const target = lowCost + t * (highCost - lowCost);
          for (let i = 1; i < frontier.length; i += 1) {
            const lo = frontier[i - 1];
            const hi = frontier[i];
            if (!lo || !hi || target > hi.cost) continue;
            const share = hi.cost > lo.cost ? (target - lo.cost) / (hi.cost - lo.cost) : 1;
            return u < share ? hi.model : lo.model;
          }
          return frontier[frontier.length - 1]?.model ?? models[0] ?? '';
        });
      },
    };
  },
};
