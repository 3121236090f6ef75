import { describe, expect, it } from 'vitest';
import { BUILT_IN_POLICIES, effectiveWeights, estimateLatency, estimateReliability, scoreCandidates, type CandidateEstimates } from '../../src/routing/index.js';
import { GEMINI_FLASH } from './demo-profiles.js';

function candidate(id: string, fields: Partial<CandidateEstimates>): CandidateEstimates {
  return { deploymentId: id, estimatedCostUsd: 0.001, maxCostUsd: 0.01, estimatedLatencyMs: 1000, expectedQuality: 0.8, reliability: 0.98, reasons: [], ...fields };
}
const even = { cost: 0.25, latency: 0.25, quality: 0.25, reliability: 0.25 };

describe('scoreCandidates', () => {
  it('a lone candidate gets full marks on every part', () => {
    const [only] = scoreCandidates([candidate('a', {})], even);
    expect(only).toMatchObject({ score: 1, parts: { cost: 1, latency: 1, quality: 1, reliability: 1 } });
  });

  it('compares cost on a log scale with a minimum span, so small gaps stay small', () => {
    const close = scoreCandidates([candidate('a', { estimatedCostUsd: 0.001 }), candidate('b', { estimatedCostUsd: 0.002 })], even);
    expect(close.find((c) => c.deploymentId === 'b')?.parts.cost).toBeGreaterThan(0.75);
    const far = scoreCandidates([candidate('a', { estimatedCostUsd: 0.0001 }), candidate('b', { estimatedCostUsd: 0.01 })], even);
    expect(far.find((c) => c.deploymentId === 'b')?.parts.cost).toBe(0);
  });

  it('free local models do not break the log scale', () => {
    const ranked = scoreCandidates([candidate('free', { estimatedCostUsd: 0 }), candidate('paid', { estimatedCostUsd: 0.002 })], even);
    expect(ranked[0]?.deploymentId).toBe('free');
    for (const c of ranked) expect(Number.isFinite(c.score)).toBe(true);
  });

  it('the adequacy floor scales cost and latency credit of low-quality candidates', () => {
    const input = [candidate('cheap-weak', { estimatedCostUsd: 0.0001, expectedQuality: 0.5 }), candidate('dear-strong', { estimatedCostUsd: 0.01, expectedQuality: 0.9 })];
    const gated = scoreCandidates(input, even, 0.3);
    const weak = gated.find((c) => c.deploymentId === 'cheap-weak');
    expect(weak?.parts.cost).toBeCloseTo(0.3);
    expect(weak?.reasons.join(' ')).toMatch(/credit x0\.30/);
    expect(scoreCandidates(input, even, 1).find((c) => c.deploymentId === 'cheap-weak')?.parts.cost).toBe(1);
  });

  it('breaks ties by cost, then id', () => {
    const ranked = scoreCandidates([candidate('b', {}), candidate('a', {})], even);
    expect(ranked.map((c) => c.deploymentId)).toEqual(['a', 'b']);
  });
});

describe('effectiveWeights', () => {
  it('sum to 1 and follow difficulty under balanced', () => {
    const easy = effectiveWeights({ policy: BUILT_IN_POLICIES.balanced, priorities: undefined, difficulty: 0.1 });
    const hard = effectiveWeights({ policy: BUILT_IN_POLICIES.balanced, priorities: undefined, difficulty: 0.9 });
    for (const { weights } of [easy, hard]) expect(weights.cost + weights.latency + weights.quality + weights.reliability).toBeCloseTo(1, 9);
    expect(hard.weights.quality).toBeGreaterThan(easy.weights.quality);
    expect(easy.adequacyFloor).toBe(0.3);
  });

  it('caller priorities replace the policy split; negative values count as 0', () => {
    const { weights } = effectiveWeights({ policy: BUILT_IN_POLICIES.fastest, priorities: { cost: 3, quality: 1, latency: -5 }, difficulty: 0.5 });
    expect(weights.latency).toBe(0);
    expect(weights.cost / weights.quality).toBeCloseTo(3, 6);
  });

  it('a low budget raises cost and relaxes the quality gate, only for budget-aware policies', () => {
    const low = effectiveWeights({ policy: BUILT_IN_POLICIES.balanced, priorities: undefined, difficulty: 0.5, budgetRemainingFraction: 0 });
    const normal = effectiveWeights({ policy: BUILT_IN_POLICIES.balanced, priorities: undefined, difficulty: 0.5, budgetRemainingFraction: 0.9 });
    expect(low.weights.cost).toBeGreaterThan(normal.weights.cost * 2);
    expect(low.adequacyFloor).toBe(1);
    const best = effectiveWeights({ policy: BUILT_IN_POLICIES.best, priorities: undefined, difficulty: 0.5, budgetRemainingFraction: 0 });
    expect(best.reasons.join(' ')).not.toMatch(/budget/);
  });
});

describe('latency and reliability estimates', () => {
  it('uses measured TTFT when there are samples, declared otherwise, plus generation and prefill', () => {
    const declared = estimateLatency(GEMINI_FLASH, undefined, { inputTokens: 100, outputTokens: 180 });
    expect(declared.basis).toBe('declared');
    expect(declared.totalMs).toBeCloseTo(GEMINI_FLASH.latency.ttftMs + 1000, 0);
    const live = estimateLatency(GEMINI_FLASH, { deploymentId: GEMINI_FLASH.id, samples: 10, ewmaTtftMs: 900, breaker: 'closed', inFlight: 0 }, { inputTokens: 100, outputTokens: 0 });
    expect(live).toMatchObject({ basis: 'live', ttftMs: 900 });
    const long = estimateLatency(GEMINI_FLASH, undefined, { inputTokens: 101_000, outputTokens: 0 });
    expect(long.ttftMs).toBeCloseTo(GEMINI_FLASH.latency.ttftMs + 10_000, 0);
  });

  it('shrinks a few early failures towards the prior and penalizes half-open breakers', () => {
    const prior = estimateReliability(undefined).value;
    const early = estimateReliability({ deploymentId: 'x', samples: 2, errorRate: 1, breaker: 'closed', inFlight: 0 }).value;
    const many = estimateReliability({ deploymentId: 'x', samples: 500, errorRate: 0.5, breaker: 'closed', inFlight: 0 }).value;
    const halfOpen = estimateReliability({ deploymentId: 'x', samples: 0, breaker: 'half_open', inFlight: 0 }).value;
    expect(early).toBeGreaterThan(0.8);
    expect(many).toBeLessThan(0.55);
    expect(halfOpen).toBeLessThan(prior);
  });
});
