import { describe, expect, it } from 'vitest';
import { QualityFeedbackBook } from '../../../src/routing/feedback/quality-feedback-book.js';
import { sampleBeta } from '../../../src/routing/feedback/sample-beta.js';
import { profileQualityEstimator } from '../../../src/routing/quality-estimator.js';
import type { ModelProfile, RequestProfile } from '../../../src/spec/index.js';
import { seededRandom } from '../../eval/synthetic-routing-data.js';

describe('QualityFeedbackBook', () => {
  it('moves the estimate towards the feedback and away from the prior', () => {
    const book = new QualityFeedbackBook({ priorStrength: 10, halfLife: Infinity });
    expect(book.estimate('coding', 'a', 0.8).mean).toBeCloseTo(0.8, 10);
    for (let i = 0; i < 30; i += 1) book.record('coding', 'a', 0);
    const after = book.estimate('coding', 'a', 0.8);
    expect(after.mean).toBeCloseTo(8 / 40, 10);
    expect(after.observations).toBe(30);
    // Other tasks and deployments are untouched.
    expect(book.estimate('chat', 'a', 0.8).mean).toBeCloseTo(0.8, 10);
    expect(book.estimate('coding', 'b', 0.8).mean).toBeCloseTo(0.8, 10);
  });

  it('forgets old evidence with the half-life', () => {
    const book = new QualityFeedbackBook({ priorStrength: 1, halfLife: 10 });
    for (let i = 0; i < 200; i += 1) book.record('chat', 'a', 1);
    for (let i = 0; i < 40; i += 1) book.record('chat', 'a', 0);
    expect(book.estimate('chat', 'a', 0.5).mean).toBeLessThan(0.2);
  });

  it('rejects scores outside [0, 1]', () => {
    const book = new QualityFeedbackBook();
    expect(() => book.record('chat', 'a', 1.5)).toThrow(RangeError);
    expect(() => book.record('chat', 'a', Number.NaN)).toThrow(RangeError);
  });

  it('moves traffic from a deployment that does badly to one that does well', () => {
    const random = seededRandom(3);
    const book = new QualityFeedbackBook({ priorStrength: 10, random });
    // Both start with the same predicted quality; in production "b" answers far better.
    const truth: Record<string, number> = { a: 0.3, b: 0.8 };
    const candidates = [
      { deploymentId: 'a', priorQuality: 0.7 },
      { deploymentId: 'b', priorQuality: 0.7 },
    ];
    const late: Record<string, number> = { a: 0, b: 0 };
    for (let round = 0; round < 600; round += 1) {
      const chosen = book.chooseThompson('chat', candidates, 0.05) ?? 'a';
      book.record('chat', chosen, random() < (truth[chosen] ?? 0) ? 1 : 0);
      if (round >= 400) late[chosen] = (late[chosen] ?? 0) + 1;
    }
    expect((late.b ?? 0) / 200).toBeGreaterThan(0.85);
    // The exploration floor keeps some traffic on the loser so that it can recover.
    expect(late.a ?? 0).toBeGreaterThan(0);
    expect(book.estimate('chat', 'a', 0.7).mean).toBeLessThan(0.5);
  });

  it('wraps the router quality estimator so that feedback changes what decide() sees', () => {
    const book = new QualityFeedbackBook({ priorStrength: 4, halfLife: Infinity });
    const estimator = book.estimator(profileQualityEstimator);
    const profile = { id: 'x', quality: { default: 0.9 }, source: { quality: 'config' } } as unknown as ModelProfile;
    const request = { task: 'chat', difficulty: 0.5 } as RequestProfile;
    const before = estimator.estimate({ profile, request });
    expect(before.quality).toBeCloseTo(0.9, 5);
    for (let i = 0; i < 12; i += 1) book.record('chat', 'x', 0);
    const after = estimator.estimate({ profile, request });
    expect(after.quality).toBeCloseTo((0.9 * 4) / 16, 5);
    expect(after.basis).toMatch(/feedback/);
  });
});

describe('sampleBeta', () => {
  it('draws with the mean and spread of the distribution', () => {
    const random = seededRandom(11);
    const draws = Array.from({ length: 4000 }, () => sampleBeta(2, 6, random));
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    const variance = draws.reduce((s, x) => s + (x - mean) ** 2, 0) / draws.length;
    expect(mean).toBeCloseTo(0.25, 1);
    expect(variance).toBeCloseTo((2 * 6) / (8 * 8 * 9), 2);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThanOrEqual(1);
    const small = Array.from({ length: 2000 }, () => sampleBeta(0.5, 0.5, random));
    expect(small.reduce((a, b) => a + b, 0) / small.length).toBeCloseTo(0.5, 1);
  });
});
