import { describe, expect, it } from 'vitest';
import { applyBudgetPressure, isComplexRequest } from '../../src/routing/apply-budget-pressure.js';
import { BUILT_IN_POLICIES, decide, type Policy } from '../../src/routing/index.js';
import type { ChatRequest, RequestProfile, ScoredCandidate } from '../../src/spec/index.js';
import { CLAUDE_SONNET, DEMO_PROFILES, GPT_4O, GPT_4O_MINI } from './demo-profiles.js';

function candidate(deploymentId: string, estimatedCostUsd: number): ScoredCandidate {
  const weights = { cost: 0.25, latency: 0.25, quality: 0.25, reliability: 0.25 };
  return {
    deploymentId, score: 1, estimatedCostUsd, maxCostUsd: estimatedCostUsd * 4, estimatedLatencyMs: 500, expectedQuality: 0.8, reasons: [],
    parts: { cost: 0.5, latency: 0.5, quality: 0.5, reliability: 0.5, weights },
  };
}

function profile(task: RequestProfile['task'], difficulty: number): RequestProfile {
  return {
    task, taskConfidence: 1, taskSource: 'caller', difficulty, inputTokens: 100, expectedOutputTokens: 200,
    needs: { tools: false, vision: false, json: false, streaming: false },
  };
}

// Best first: the expensive model ranks first, as a quality-leaning policy would have it.
const ranked = [candidate('big', 0.01), candidate('mid', 0.0015), candidate('small', 0.001)];
const levels = { floor: 0.2, cheapestOnlyBelow: 0.05 };

describe('applyBudgetPressure', () => {
  it('changes nothing above the floor', () => {
    const result = applyBudgetPressure({ ...levels, candidates: ranked, profile: profile('chat', 0.2), remainingShare: 0.5 });
    expect(result.candidates.map((c) => c.deploymentId)).toEqual(['big', 'mid', 'small']);
    expect(result.reasons).toEqual([]);
  });

  it('under the floor leaves expensive models out of a simple request and says the pick changed', () => {
    const result = applyBudgetPressure({ ...levels, candidates: ranked, profile: profile('chat', 0.2), remainingShare: 0.1, budgetLabel: 'team "ml" monthly budget' });
    expect(result.candidates.map((c) => c.deploymentId)).toEqual(['mid', 'small']);
    expect(result.reasons[0]).toMatch(/^team "ml" monthly budget at 10\.0%, below the 20% floor: 1 expensive model left out/);
    expect(result.reasons[1]).toBe('budget changed the pick: big -> mid');
  });

  it('under the floor keeps expensive models for complex requests: hard ones and coding, math, reasoning', () => {
    for (const complex of [profile('chat', 0.8), profile('coding', 0.1), profile('math', 0.1), profile('reasoning', 0.3)]) {
      expect(isComplexRequest(complex)).toBe(true);
      const result = applyBudgetPressure({ ...levels, candidates: ranked, profile: complex, remainingShare: 0.1 });
      expect(result.candidates.map((c) => c.deploymentId)).toEqual(['big', 'mid', 'small']);
      expect(result.reasons[0]).toMatch(/expensive models kept for a complex request/);
    }
    expect(isComplexRequest(profile('summarization', 0.3))).toBe(false);
  });

  it('below cheapestOnlyBelow serves the cheapest alone, complex or not', () => {
    const result = applyBudgetPressure({ ...levels, candidates: ranked, profile: profile('coding', 0.9), remainingShare: 0.01 });
    expect(result.candidates.map((c) => c.deploymentId)).toEqual(['small']);
    expect(result.reasons).toContain('budget changed the pick: big -> small');
  });

  it('leaves a single candidate alone', () => {
    expect(applyBudgetPressure({ ...levels, candidates: [ranked[0]!], profile: profile('chat', 0), remainingShare: 0 }).candidates).toHaveLength(1);
  });
});

describe('decide with a budget-aware policy', () => {
  const policy: Policy = { ...BUILT_IN_POLICIES.best, name: 'frugal-best', budgetAware: true, budgetLevels: levels };
  const request: ChatRequest = { model: 'auto', messages: [{ role: 'user', content: 'Tell me a fun fact.' }], routing: { task: 'chat' } };
  const candidates = [GPT_4O, CLAUDE_SONNET, GPT_4O_MINI];
  const run = (remainingFraction?: number) =>
    decide({ request, candidates, stats: new Map(), policy, requested: 'auto', ...(remainingFraction === undefined ? {} : { budget: { remainingFraction, label: 'gateway daily budget' } }) });

  it('picks the cheapest with almost no budget left and says the budget changed the pick', () => {
    const free = run();
    const starved = run(0.01);
    expect(starved.candidates.map((c) => c.deploymentId)).toEqual([GPT_4O_MINI.id]);
    if (free.candidates[0]?.deploymentId !== GPT_4O_MINI.id) expect(starved.reasons.some((r) => r.startsWith('budget changed the pick'))).toBe(true);
    expect(starved.reasons.some((r) => r.startsWith('gateway daily budget at 1.0%, below 5%: cheapest only'))).toBe(true);
  });

  it('ignores the levels when the policy is not budget-aware', () => {
    const plain = decide({ request, candidates: DEMO_PROFILES, stats: new Map(), policy: { ...policy, budgetAware: false }, requested: 'auto', budget: { remainingFraction: 0.01 } });
    expect(plain.candidates.length).toBeGreaterThan(1);
  });
});
