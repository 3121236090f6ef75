import { describe, expect, it } from 'vitest';
import { defaultReplayPolicies } from '../../src/eval/default-replay-policies.js';
import { evaluateRouting } from '../../src/eval/evaluate-routing.js';
import { learnedRouterPolicy } from '../../src/eval/policies/learned-router-policy.js';
import { oraclePolicy } from '../../src/eval/policies/oracle-policy.js';
import { singleModelPolicy } from '../../src/eval/policies/single-model-policy.js';
import { taskBaselinePolicy } from '../../src/eval/policies/task-baseline-policy.js';
import { summarizeCurve } from '../../src/eval/summarize-curve.js';
import { syntheticRoutingData } from './synthetic-routing-data.js';

const MODELS = ['large', 'medium', 'small'];

describe('evaluateRouting', () => {
  const examples = syntheticRoutingData(150);

  it('reports the oracle and every single model as computed independently here', () => {
    const result = evaluateRouting({ policies: [oraclePolicy, ...MODELS.map(singleModelPolicy)], models: MODELS, examples, folds: 3 });
    expect(result.reference).toBe('large');
    const refCost = examples.reduce((s, e) => s + (e.outcomes.large?.cost ?? 0), 0);
    const refQuality = examples.reduce((s, e) => s + (e.outcomes.large?.score ?? 0), 0) / examples.length;
    for (const model of MODELS) {
      const row = result.policies.find((p) => p.name === model);
      const quality = examples.reduce((s, e) => s + (e.outcomes[model]?.score ?? 0), 0) / examples.length;
      const cost = examples.reduce((s, e) => s + (e.outcomes[model]?.cost ?? 0), 0);
      expect(row?.quality).toBeCloseTo(quality, 5);
      expect(row?.costUsd).toBeCloseTo(cost, 5);
      expect(row?.costPctOfReference).toBeCloseTo((cost / refCost) * 100, 3);
      expect(row?.qualityPctOfReference).toBeCloseTo((quality / refQuality) * 100, 3);
      expect(row?.traffic).toEqual({ [model]: 1 });
    }
    let oracleQuality = 0;
    let oracleCost = 0;
    for (const e of examples) {
      const best = Math.max(...MODELS.map((m) => e.outcomes[m]?.score ?? 0));
      const cheapest = Math.min(...MODELS.filter((m) => e.outcomes[m]?.score === best).map((m) => e.outcomes[m]?.cost ?? 0));
      oracleQuality += best;
      oracleCost += cheapest;
    }
    const oracle = result.policies.find((p) => p.name === 'oracle');
    expect(oracle?.quality).toBeCloseTo(oracleQuality / examples.length, 5);
    expect(oracle?.costUsd).toBeCloseTo(oracleCost, 5);
    const large = result.policies.find((p) => p.name === 'large');
    expect(large?.costPctAt100).toBe(100);
    expect(result.policies.find((p) => p.name === 'small')?.costPctAt100).toBeNull();
  });

  it('produces every named policy with the documented fields', () => {
    const result = evaluateRouting({ policies: defaultReplayPolicies(MODELS), models: MODELS, examples: examples.slice(0, 80), folds: 2 });
    const names = result.policies.map((p) => p.name);
    for (const name of ['oracle', 'task-baseline', 'seed-keywords', 'scoring', 'learned', ...MODELS]) expect(names).toContain(name);
    for (const p of result.policies) {
      expect(Object.keys(p)).toEqual(
        expect.arrayContaining(['name', 'quality', 'costUsd', 'qualityPctOfReference', 'costPctOfReference', 'costPctAt95', 'costPctAt98', 'costPctAt100', 'auc', 'curve']),
      );
      expect(p.curve.length).toBeGreaterThan(0);
      for (const point of p.curve) expect(Object.keys(point).sort()).toEqual(['costUsd', 'knob', 'quality']);
      const shares = Object.values(p.traffic).reduce((a, b) => a + b, 0);
      expect(shares).toBeCloseTo(1, 3);
    }
  });

  it('learns from the text which prompts the cheap model gets wrong', () => {
    const result = evaluateRouting({ policies: [taskBaselinePolicy, learnedRouterPolicy()], models: MODELS, examples, folds: 3 });
    const baseline = result.policies.find((p) => p.name === 'task-baseline');
    const learned = result.policies.find((p) => p.name === 'learned');
    expect(learned?.auc).toBeGreaterThan(baseline?.auc ?? 1);
    expect(learned?.costPctAt95).not.toBeNull();
    expect(learned?.costPctAt95 ?? 100).toBeLessThan(baseline?.costPctAt95 ?? 100);
  });

  it('moves the prompts it rates hard up the frontier first, and ends on the best model', () => {
    const fitted = learnedRouterPolicy().fit({ train: examples, models: MODELS });
    const test = syntheticRoutingData(150, 3);
    // The synthetic hard prompts are the ones with digits; the easy ones have none.
    const hard = test.map((e) => /\d/.test(e.prompt));
    const picks = test.map((e) => fitted.choose(e));
    const partial = fitted.knobs.findIndex((_, k) => {
      const up = picks.filter((p) => p[k] !== 'small').length;
      return up >= 0.1 * test.length && up <= 0.3 * test.length;
    });
    expect(partial).toBeGreaterThan(0);
    const upgraded = picks.flatMap((p, i) => (p[partial] !== 'small' ? [hard[i]] : []));
    expect(upgraded.filter(Boolean).length / upgraded.length).toBeGreaterThan(0.8);
    expect(new Set(picks.map((p) => p[0]))).toEqual(new Set(['small']));
    expect(new Set(picks.map((p) => p[p.length - 1]))).toEqual(new Set(['large']));
  });

  it('fits on a separate training set when one is given', () => {
    const train = syntheticRoutingData(90, 11);
    const result = evaluateRouting({ policies: [taskBaselinePolicy], models: MODELS, examples, train });
    expect(result.protocol).toEqual({ kind: 'train-test', trainExamples: 90 });
  });
});

describe('summarizeCurve', () => {
  it('finds the cheapest point reaching each share and the area under the envelope', () => {
    const reference = { quality: 0.8, costUsd: 10 };
    const curve = [
      { knob: 0, quality: 0.5, costUsd: 1 },
      { knob: 1, quality: 0.77, costUsd: 2 },
      { knob: 2, quality: 0.79, costUsd: 5 },
      { knob: 3, quality: 0.7, costUsd: 6 },
    ];
    const s = summarizeCurve(curve, reference);
    expect(s.costPctAt95).toBe(20);
    expect(s.costPctAt98).toBe(50);
    expect(s.costPctAt100).toBeNull();
    // 0 to 10 %: 0; 10-20 %: 0.5; 20-50 %: 0.77; 50-100 %: 0.79 (the dip at 60 % does not count).
    expect(s.auc).toBeCloseTo((0.5 * 10 + 0.77 * 30 + 0.79 * 50) / 100, 4);
  });
});
