import { hashWord } from '../../routing/learned/prompt-features.js';
import type { ReplayPolicy } from '../routing-policy.js';

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
    const points = models.map((model) => {
      let quality = 0;
      let cost = 0;
      for (const e of train) {
        quality += e.outcomes[model]?.score ?? 0;
        cost += e.outcomes[model]?.cost ?? 0;
      }
      return { model, quality: quality / Math.max(1, train.length), cost: cost / Math.max(1, train.length) };
    });
    const frontier = upperConvexFrontier(points);
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

/** Models on the upper-left convex hull of (cost, quality), cheapest first. */
function upperConvexFrontier<T extends { quality: number; cost: number }>(points: readonly T[]): T[] {
  const sorted = [...points].sort((a, b) => a.cost - b.cost || b.quality - a.quality);
  const hull: T[] = [];
  for (const p of sorted) {
    const last = hull[hull.length - 1];
    if (last && p.quality <= last.quality) continue;
    while (hull.length >= 2) {
      const a = hull[hull.length - 2];
      const b = hull[hull.length - 1];
      if (!a || !b) break;
      // Drop b when it lies on or below the segment from a to p: mixing a and p does better.
      const cross = (b.cost - a.cost) * (p.quality - a.quality) - (b.quality - a.quality) * (p.cost - a.cost);
      if (cross >= 0) hull.pop();
      else break;
    }
    hull.push(p);
  }
  return hull;
}
