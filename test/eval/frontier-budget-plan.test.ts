import { describe, expect, it } from 'vitest';
import { FrontierBudgetPlan } from '../../src/eval/frontier-budget-plan.js';
import type { RoutingExample } from '../../src/eval/routing-dataset.js';
import { upperConvexFrontier } from '../../src/eval/upper-convex-frontier.js';

/** `count` prompts of a task where each model gets the given share right at the given cost each. */
function task(name: string, count: number, models: Record<string, { quality: number; cost: number }>): RoutingExample[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${name}-${i}`,
    task: name,
    prompt: `${name} prompt ${i}`,
    outcomes: Object.fromEntries(Object.entries(models).map(([m, o]) => [m, { score: i < o.quality * count ? 1 : 0, cost: o.cost }])),
  }));
}

describe('upperConvexFrontier', () => {
  it('keeps the models worth mixing and drops one below the segment of its neighbours', () => {
    const frontier = upperConvexFrontier([
      { name: 'cheap', quality: 0.5, cost: 1 },
      { name: 'dear', quality: 0.9, cost: 5 },
      { name: 'below', quality: 0.6, cost: 3 }, // the cheap-dear segment gives 0.7 at cost 3
      { name: 'worse', quality: 0.4, cost: 2 },
    ]);
    expect(frontier.map((p) => p.name)).toEqual(['cheap', 'dear']);
  });
});

describe('FrontierBudgetPlan', () => {
  // qa: small 0.5 at 1, large 0.9 at 5 (slope 0.1 per $); code: small 0.2 at 1, large 0.8 at 3 (slope 0.3 per $).
  const train = [
    ...task('qa', 10, { small: { quality: 0.5, cost: 1 }, large: { quality: 0.9, cost: 5 } }),
    ...task('code', 10, { small: { quality: 0.2, cost: 1 }, large: { quality: 0.8, cost: 3 } }),
  ];
  const plan = new FrontierBudgetPlan(train, ['large', 'small']);

  it('starts every task on its cheapest frontier model', () => {
    expect(plan.frontierOf('qa')).toEqual(['small', 'large']);
    expect(plan.floorCost).toBeCloseTo(1, 10);
    expect(plan.fill(1).byTask.size).toBe(0);
  });

  it('spends the budget on the step with the most quality per dollar first, then shares the next', () => {
    // code's step costs half the prompts 2 more each: 1 per prompt of all traffic.
    const half = plan.fill(1.5).byTask;
    expect(half.get('code')).toEqual({ full: 0, share: 0.5 });
    expect(half.get('qa')).toBeUndefined();
    const more = plan.fill(2 + 0.5).byTask;
    expect(more.get('code')).toEqual({ full: 1, share: 0 });
    expect(more.get('qa')?.full).toBe(0);
    expect(more.get('qa')?.share).toBeCloseTo(0.25, 10);
    const all = plan.fill(100).byTask;
    expect(all.get('qa')).toEqual({ full: 1, share: 0 });
  });

  it('sends a task it never saw up the pooled frontier as far as the marginal step is worth', () => {
    expect(plan.frontierOf('unseen')).toEqual(['small', 'large']);
    // Pooled: small 0.35 at 1, large 0.85 at 4, so 0.5/3 per $.
    expect(plan.pooledSteps(0.3)).toBe(0);
    expect(plan.pooledSteps(0.1)).toBe(1);
    expect(plan.pooledSteps(Infinity)).toBe(0);
  });
});
