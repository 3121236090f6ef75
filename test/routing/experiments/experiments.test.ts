import { describe, expect, it } from 'vitest';
import { assignExperimentArm } from '../../../src/routing/experiments/assign-experiment-arm.js';
import { compareArms } from '../../../src/routing/experiments/compare-arms.js';
import type { Experiment } from '../../../src/routing/experiments/experiment.js';
import { MetricAccumulator } from '../../../src/routing/experiments/metric-accumulator.js';
import { regularizedIncompleteBeta, studentTQuantile, studentTTwoSidedP } from '../../../src/routing/experiments/student-t.js';
import { seededRandom } from '../../eval/synthetic-routing-data.js';

const experiment: Experiment = {
  id: 'new-model',
  stickyBy: 'key',
  metrics: ['feedback', 'cost'],
  arms: [
    { name: 'control', share: 3, target: 'balanced' },
    { name: 'candidate', share: 1, target: 'openai/gpt-4o-mini' },
  ],
};

describe('assignExperimentArm', () => {
  it('is sticky per key and splits traffic by share', () => {
    const counts: Record<string, number> = { control: 0, candidate: 0 };
    for (let i = 0; i < 8000; i += 1) {
      const arm = assignExperimentArm(experiment, `key-${i}`);
      counts[arm?.name ?? ''] = (counts[arm?.name ?? ''] ?? 0) + 1;
      expect(assignExperimentArm(experiment, `key-${i}`)?.name).toBe(arm?.name);
    }
    expect((counts.candidate ?? 0) / 8000).toBeGreaterThan(0.22);
    expect((counts.candidate ?? 0) / 8000).toBeLessThan(0.28);
  });

  it('sends nothing to a stopped arm and everything to a promoted one', () => {
    const stopped: Experiment = { ...experiment, arms: [experiment.arms[0]!, { ...experiment.arms[1]!, stopped: true }] };
    const promoted: Experiment = { ...experiment, promoted: 'candidate' };
    for (let i = 0; i < 200; i += 1) {
      expect(assignExperimentArm(stopped, `k${i}`)?.name).toBe('control');
      expect(assignExperimentArm(promoted, `k${i}`)?.name).toBe('candidate');
    }
    const allStopped: Experiment = { ...experiment, arms: experiment.arms.map((a) => ({ ...a, stopped: true })) };
    expect(assignExperimentArm(allStopped, 'k')).toBeUndefined();
  });
});

describe('compareArms', () => {
  const collect = (mean: number, n: number, seed: number): MetricAccumulator => {
    const random = seededRandom(seed);
    const acc = new MetricAccumulator();
    for (let i = 0; i < n; i += 1) acc.add(random() < mean ? 1 : 0);
    return acc;
  };

  it('reports a significant difference between arms built to differ', () => {
    const result = compareArms([
      { arm: 'control', summary: collect(0.6, 800, 1).summary() },
      { arm: 'candidate', summary: collect(0.75, 800, 2).summary() },
    ]);
    const [comparison] = result.comparisons;
    expect(comparison?.significant).toBe(true);
    expect(comparison?.pValue).toBeLessThan(0.001);
    expect(comparison?.difference).toBeGreaterThan(0.08);
    expect(comparison?.interval[0]).toBeGreaterThan(0);
    const control = result.arms[0]!;
    expect(control.interval[0]).toBeLessThan(control.mean);
    expect(control.interval[1]).toBeGreaterThan(control.mean);
  });

  it('does not call a difference between identical arms significant', () => {
    const result = compareArms([
      { arm: 'a', summary: collect(0.7, 500, 5).summary() },
      { arm: 'b', summary: collect(0.7, 500, 6).summary() },
    ]);
    expect(result.comparisons[0]?.significant).toBe(false);
    expect(result.comparisons[0]?.interval[0]).toBeLessThan(0);
    expect(result.comparisons[0]?.interval[1]).toBeGreaterThan(0);
  });

  it('needs at least two values per arm', () => {
    const one = new MetricAccumulator();
    one.add(1);
    const result = compareArms([{ arm: 'a', summary: one.summary() }, { arm: 'b', summary: collect(0.5, 50, 1).summary() }]);
    expect(result.comparisons[0]?.significant).toBe(false);
  });
});

describe('Student t', () => {
  it('matches tabulated values', () => {
    // t = 2.228 is the two-sided 5% critical value at 10 degrees of freedom; 1.96 for large df.
    expect(studentTTwoSidedP(2.228, 10)).toBeCloseTo(0.05, 3);
    expect(studentTQuantile(0.025, 10)).toBeCloseTo(2.228, 2);
    expect(studentTQuantile(0.025, 100_000)).toBeCloseTo(1.96, 2);
    expect(studentTTwoSidedP(0, 5)).toBeCloseTo(1, 10);
    expect(regularizedIncompleteBeta(0.5, 2, 2)).toBeCloseTo(0.5, 10);
  });

  it('accumulates mean and sample variance', () => {
    const acc = new MetricAccumulator();
    for (const v of [2, 4, 4, 4, 5, 5, 7, 9]) acc.add(v);
    expect(acc.mean).toBe(5);
    expect(acc.variance).toBeCloseTo(32 / 7, 10);
  });
});
