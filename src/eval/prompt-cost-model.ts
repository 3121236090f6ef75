import type { RoutingExample } from './routing-dataset.js';

/**
 * Predicts what a model's answer to a prompt will cost, from the prompt's length, per (model,
 * task): a least-squares line through the training outcomes. Policies must not read the
 * recorded cost of the prompt they route, which also reflects the answer's length.
 */
export class PromptCostModel {
  private readonly lines = new Map<string, { intercept: number; perChar: number }>();
  private readonly fallback = new Map<string, { intercept: number; perChar: number }>();
  /** Mean recorded cost per prompt of each model over the training data. */
  readonly meanCost = new Map<string, number>();

  constructor(train: readonly RoutingExample[], models: readonly string[]) {
    const tasks = [...new Set(train.map((e) => e.task))];
    for (const model of models) {
      const all = train.map((e) => ({ x: e.prompt.length, y: e.outcomes[model]?.cost ?? 0 }));
      this.fallback.set(model, fitLine(all));
      this.meanCost.set(model, all.reduce((s, p) => s + p.y, 0) / Math.max(1, all.length));
      for (const task of tasks) {
        const points = train.filter((e) => e.task === task).map((e) => ({ x: e.prompt.length, y: e.outcomes[model]?.cost ?? 0 }));
        this.lines.set(`${model}\u0000${task}`, fitLine(points));
      }
    }
  }

  predict(model: string, example: Pick<RoutingExample, 'prompt' | 'task'>): number {
    const line = this.lines.get(`${model}\u0000${example.task}`) ?? this.fallback.get(model) ?? { intercept: 0, perChar: 0 };
    return Math.max(0, line.intercept + line.perChar * example.prompt.length);
  }
}

function fitLine(points: readonly { x: number; y: number }[]): { intercept: number; perChar: number } {
  const n = points.length;
  if (n === 0) return { intercept: 0, perChar: 0 };
  let sx = 0;
  let sy = 0;
  for (const p of points) {
    sx += p.x;
    sy += p.y;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.x - mx) ** 2;
    sxy += (p.x - mx) * (p.y - my);
  }
  // Prices are never negative per character: a negative slope is noise in a small sample.
  const perChar = sxx > 0 ? Math.max(0, sxy / sxx) : 0;
  return { intercept: my - perChar * mx, perChar };
}
