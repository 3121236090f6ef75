import type { RoutingExample } from './routing-dataset.js';
import { modelFrontier } from './model-frontier.js';

/** One upgrade on a task's frontier: from one model to the next dearer one worth its price. */
export interface FrontierStep {
  task: string;
  /** Position in the task's frontier: the step from model `index` to model `index + 1`. */
  index: number;
  from: string;
  to: string;
  /** Mean quality gained per USD spent, over the task's training prompts. */
  slope: number;
  /** What taking the step for every prompt of the task adds to the mean cost per prompt of all traffic. */
  weightedCost: number;
}

/** How far up its frontier each task goes at one budget: `full` steps for all, then a `share` of the next. */
export interface TaskFill {
  full: number;
  share: number;
}

const ANY = '\u0000any';

/**
 * Spends a budget (mean USD per prompt) where it buys the most quality, task by task: every
 * task starts on its cheapest frontier model, then the frontier steps of all tasks are taken in
 * order of falling quality per dollar, the last one only for the share of the task's prompts the
 * budget still pays for. Which prompts get that share is the caller's choice (the learned
 * router ranks them by predicted gain per dollar); the plan only says how many.
 */
export class FrontierBudgetPlan {
  /** Frontier models per task, cheapest first. */
  readonly frontiers = new Map<string, string[]>();
  /** Mean cost per prompt with every task on its cheapest frontier model. */
  readonly floorCost: number;
  private readonly steps: FrontierStep[] = [];
  private readonly pooledSlopes: number[] = [];

  constructor(train: readonly RoutingExample[], models: readonly string[]) {
    const byTask = new Map<string, RoutingExample[]>([[ANY, [...train]]]);
    for (const e of train) {
      const list = byTask.get(e.task) ?? [];
      list.push(e);
      byTask.set(e.task, list);
    }
    const n = Math.max(1, train.length);
    let floor = 0;
    for (const [task, examples] of byTask) {
      const frontier = modelFrontier(examples, models);
      this.frontiers.set(task, frontier.map((p) => p.model));
      // The pooled frontier only serves tasks the training data never saw; it spends nothing.
      if (task === ANY) {
        for (let i = 1; i < frontier.length; i += 1) {
          const lo = frontier[i - 1];
          const hi = frontier[i];
          if (lo && hi) this.pooledSlopes.push((hi.quality - lo.quality) / Math.max(1e-15, hi.cost - lo.cost));
        }
        continue;
      }
      const weight = examples.length / n;
      floor += weight * (frontier[0]?.cost ?? 0);
      for (let i = 1; i < frontier.length; i += 1) {
        const lo = frontier[i - 1];
        const hi = frontier[i];
        if (!lo || !hi) continue;
        const dc = Math.max(1e-15, hi.cost - lo.cost);
        this.steps.push({ task, index: i - 1, from: lo.model, to: hi.model, slope: (hi.quality - lo.quality) / dc, weightedCost: weight * dc });
      }
    }
    this.floorCost = floor;
    // A task's own steps already fall in slope (its frontier is concave), so this order keeps them in sequence.
    this.steps.sort((a, b) => b.slope - a.slope || a.task.localeCompare(b.task) || a.index - b.index);
  }

  /** The frontier of a task (the pooled one for a task never trained on). */
  frontierOf(task: string): readonly string[] {
    return this.frontiers.get(task) ?? this.frontiers.get(ANY) ?? [];
  }

  /**
   * Per task, how far the budget goes; plus the quality per dollar of the last step it pays for,
   * which tasks never trained on use to climb their pooled frontier.
   */
  fill(budget: number): { byTask: Map<string, TaskFill>; marginalSlope: number } {
    const byTask = new Map<string, TaskFill>();
    let left = budget - this.floorCost;
    let marginalSlope = Infinity;
    for (const step of this.steps) {
      if (left <= 0) break;
      const fill = byTask.get(step.task) ?? { full: 0, share: 0 };
      byTask.set(step.task, fill);
      marginalSlope = step.slope;
      if (left >= step.weightedCost) {
        fill.full += 1;
        left -= step.weightedCost;
      } else {
        fill.share = left / step.weightedCost;
        left = 0;
      }
    }
    return { byTask, marginalSlope };
  }

  /** How many steps up the pooled frontier a task never trained on climbs at this marginal quality per dollar. */
  pooledSteps(marginalSlope: number): number {
    let steps = 0;
    while (steps < this.pooledSlopes.length && (this.pooledSlopes[steps] ?? 0) >= marginalSlope) steps += 1;
    return steps;
  }
}
