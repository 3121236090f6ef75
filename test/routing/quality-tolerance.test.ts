import { describe, expect, it } from 'vitest';
import { BUILT_IN_POLICIES } from '../../src/routing/built-in-policies.js';
import { effectiveWeights } from '../../src/routing/effective-weights.js';
import { scoreCandidates, type CandidateEstimates } from '../../src/routing/score-candidates.js';

const even = { cost: 0.25, latency: 0.25, quality: 0.25, reliability: 0.25 };

function candidate(id: string, quality: number, costUsd: number): CandidateEstimates {
  return { deploymentId: id, estimatedCostUsd: costUsd, maxCostUsd: costUsd * 4, estimatedLatencyMs: 1000, expectedQuality: quality, reliability: 0.98, reasons: [] };
}

describe('quality tolerance', () => {
  const input = [candidate('strong-dear', 0.9, 0.01), candidate('weak-cheap', 0.78, 0.0001)];

  it('gives full quality credit and no cost gate within the tolerance, so the cheaper adequate model wins', () => {
    const ranked = scoreCandidates(input, even, 0.3, 0.15);
    expect(ranked[0]?.deploymentId).toBe('weak-cheap');
    expect(ranked[0]?.parts.quality).toBe(1);
    expect(ranked[0]?.parts.cost).toBe(1);
  });

  it('compares with the best when the tolerance is 0', () => {
    const ranked = scoreCandidates(input, even, 0.3, 0);
    expect(ranked[0]?.deploymentId).toBe('strong-dear');
    expect(ranked.find((c) => c.deploymentId === 'weak-cheap')?.parts.quality).toBeCloseTo(0.2, 5);
  });

  it('narrows with difficulty and vanishes at 0.5 and above', () => {
    const at = (difficulty: number) => effectiveWeights({ policy: BUILT_IN_POLICIES.balanced, priorities: undefined, difficulty }).qualityTolerance;
    expect(at(0)).toBeCloseTo(0.2, 5);
    expect(at(0.25)).toBeCloseTo(0.1, 5);
    expect(at(0.5)).toBe(0);
    expect(at(0.9)).toBe(0);
    expect(effectiveWeights({ policy: BUILT_IN_POLICIES.best, priorities: undefined, difficulty: 0 }).qualityTolerance).toBe(0);
  });

  it('is withdrawn when the caller asks for quality alone', () => {
    const quality = effectiveWeights({ policy: BUILT_IN_POLICIES.balanced, priorities: { quality: 1 }, difficulty: 0 });
    expect(quality.qualityTolerance).toBe(0);
    const cost = effectiveWeights({ policy: BUILT_IN_POLICIES.balanced, priorities: { cost: 1 }, difficulty: 0 });
    expect(cost.qualityTolerance).toBeCloseTo(0.2, 5);
  });
});
