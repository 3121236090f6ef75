import type { ReplayPolicy } from '../routing-policy.js';

/** Every prompt to one model: the rows every router is compared against. */
export function singleModelPolicy(model: string): ReplayPolicy {
  return {
    name: model,
    fit: () => ({ knobs: [0], defaultKnob: 0, choose: () => [model] }),
  };
}
