import { LAMBDA_KNOBS, type ReplayPolicy } from '../routing-policy.js';

/**
 * The bar to beat: per task, the one model that maximizes mean training quality minus knob times
 * its mean cost (in units of the most expensive model's mean cost per prompt). It knows the task
 * and nothing else about the prompt.
 */
export const taskBaselinePolicy: ReplayPolicy = {
  name: 'task-baseline',
  fit({ train, models }) {
    const stats = new Map<string, Map<string, { quality: number; cost: number }>>();
    const counts = new Map<string, number>();
    for (const e of train) {
      counts.set(e.task, (counts.get(e.task) ?? 0) + 1);
      const perModel = stats.get(e.task) ?? new Map<string, { quality: number; cost: number }>();
      stats.set(e.task, perModel);
      for (const m of models) {
        const s = perModel.get(m) ?? { quality: 0, cost: 0 };
        s.quality += e.outcomes[m]?.score ?? 0;
        s.cost += e.outcomes[m]?.cost ?? 0;
        perModel.set(m, s);
      }
    }
    const overall = new Map<string, { quality: number; cost: number }>();
    for (const perModel of stats.values()) {
      for (const [m, s] of perModel) {
        const o = overall.get(m) ?? { quality: 0, cost: 0 };
        overall.set(m, { quality: o.quality + s.quality, cost: o.cost + s.cost });
      }
    }
    const costUnit = Math.max(1e-12, ...[...overall.values()].map((s) => s.cost / Math.max(1, train.length)));
    const pick = (perModel: ReadonlyMap<string, { quality: number; cost: number }>, n: number, lambda: number): string => {
      let best = models[0] ?? '';
      let bestValue = -Infinity;
      let bestCost = Infinity;
      for (const m of models) {
        const s = perModel.get(m) ?? { quality: 0, cost: 0 };
        const cost = s.cost / n;
        const value = s.quality / n - (lambda * cost) / costUnit;
        if (value > bestValue + 1e-12 || (Math.abs(value - bestValue) <= 1e-12 && cost < bestCost)) {
          best = m;
          bestValue = value;
          bestCost = cost;
        }
      }
      return best;
    };
    const choices = new Map<string, string[]>();
    for (const [task, perModel] of stats) choices.set(task, LAMBDA_KNOBS.map((l) => pick(perModel, counts.get(task) ?? 1, l)));
    const unseen = LAMBDA_KNOBS.map((l) => pick(overall, Math.max(1, train.length), l));
    return { knobs: LAMBDA_KNOBS, defaultKnob: 0.1, choose: (example) => choices.get(example.task) ?? unseen };
  },
};
