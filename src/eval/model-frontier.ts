import type { RoutingExample } from './routing-dataset.js';
import { upperConvexFrontier } from './upper-convex-frontier.js';

/** The models worth mixing on these examples: mean quality and cost per prompt, cheapest first. */
export function modelFrontier(examples: readonly RoutingExample[], models: readonly string[]): { model: string; quality: number; cost: number }[] {
  const n = Math.max(1, examples.length);
  const points = models.map((model) => {
    let quality = 0;
    let cost = 0;
    for (const e of examples) {
      quality += e.outcomes[model]?.score ?? 0;
      cost += e.outcomes[model]?.cost ?? 0;
    }
    return { model, quality: quality / n, cost: cost / n };
  });
  return upperConvexFrontier(points);
}
