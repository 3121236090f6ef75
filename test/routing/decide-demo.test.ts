import { describe, expect, it } from 'vitest';
import { BUILT_IN_POLICIES, decide } from '../../src/routing/index.js';
import type { ChatRequest, LiveStats } from '../../src/spec/index.js';
import { CLAUDE_SONNET, DEMO_PROFILES, GEMINI_FLASH, GPT_4O, LLAMA_8B } from './demo-profiles.js';

const noStats = new Map<string, LiveStats>();
const ask = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'auto',
  messages: [{ role: 'user', content }],
  ...extra,
});
function route(request: ChatRequest, policy = BUILT_IN_POLICIES.balanced) {
  return decide({ request, candidates: DEMO_PROFILES, stats: noStats, policy, requested: 'auto', id: 'd1' });
}

const CODING_PROMPT =
  'Write a TypeScript class implementing an LRU cache with a TTL per entry. It must evict the least recently used ' +
  'entry when full, expire entries lazily on get, and include unit tests for the edge cases.';
const LONG_DOCUMENT =
  'Summarize the following quarterly report in five bullet points for the board.\n\n' +
  'Revenue in the northern region grew while churn in the enterprise segment rose after the price change. '.repeat(1200);

describe('decide under the balanced policy, task from the shipped classifier', () => {
  it('sends a coding request to a strong coder', () => {
    const decision = route(ask(CODING_PROMPT));
    expect(decision.profile).toMatchObject({ task: 'coding', taskSource: 'classifier' });
    expect(decision.candidates[0]?.deploymentId).toBe(CLAUDE_SONNET.id);
    expect(decision.excluded).toEqual([]);
    const llama = decision.candidates.find((c) => c.deploymentId === LLAMA_8B.id);
    expect(llama?.reasons.join('\n')).toMatch(/cost and latency credit x0\.3/);
  });

  it('sends a document larger than the smallest window to a cheap long-context model', () => {
    const decision = route(ask(LONG_DOCUMENT));
    expect(decision.profile.task).toBe('summarization');
    expect(decision.profile.inputTokens).toBeGreaterThan(LLAMA_8B.contextWindow);
    expect(decision.excluded).toEqual([expect.objectContaining({ deploymentId: LLAMA_8B.id, reason: 'context_window' })]);
    expect(decision.candidates[0]?.deploymentId).toBe(GEMINI_FLASH.id);
  });

  it('sends a one-line greeting to the cheapest adequate model', () => {
    const decision = route(ask('hi there!'));
    expect(decision.profile.task).toBe('chat');
    expect(decision.profile.difficulty).toBeLessThan(0.15);
    expect(decision.candidates[0]?.deploymentId).toBe(LLAMA_8B.id);
  });

  it('the three demo requests pick three different deployments', () => {
    const picks = [CODING_PROMPT, LONG_DOCUMENT, 'hi there!'].map((p) => route(ask(p)).candidates[0]?.deploymentId);
    expect(new Set(picks).size).toBe(3);
  });

  it('explains every candidate and the decision', () => {
    const decision = route(ask(CODING_PROMPT, { routing: { task: 'coding' } }));
    expect(decision.id).toBe('d1');
    expect(decision.policy).toBe('balanced');
    expect(decision.candidates).toHaveLength(DEMO_PROFILES.length);
    for (const c of decision.candidates) {
      expect(c.reasons.length).toBeGreaterThanOrEqual(4);
      expect(c.maxCostUsd).toBeGreaterThanOrEqual(c.estimatedCostUsd);
      const w = c.parts.weights;
      const recomputed = w.cost * c.parts.cost + w.latency * c.parts.latency + w.quality * c.parts.quality + w.reliability * c.parts.reliability;
      expect(c.score).toBeCloseTo(recomputed, 3);
    }
    const scores = decision.candidates.map((c) => c.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(decision.reasons.join('\n')).toMatch(/ranks first/);
  });
});

describe('built-in policies and priorities', () => {
  const request = ask('Explain how a hash map handles collisions.', { routing: { task: 'knowledge' } });

  it('cheapest, fastest and best pick what they promise', () => {
    expect(route(request, BUILT_IN_POLICIES.cheapest).candidates[0]?.deploymentId).toBe(LLAMA_8B.id);
    expect(route(request, BUILT_IN_POLICIES.fastest).candidates[0]?.deploymentId).toBe(LLAMA_8B.id);
    const best = route(request, BUILT_IN_POLICIES.best).candidates[0]?.deploymentId;
    expect([CLAUDE_SONNET.id, GPT_4O.id]).toContain(best);
  });

  it('request priorities move the pick', () => {
    const coding = ask(CODING_PROMPT, { routing: { task: 'coding' } });
    const byCost = route({ ...coding, routing: { task: 'coding', priorities: { cost: 1 } } });
    expect(byCost.candidates[0]?.deploymentId).toBe(LLAMA_8B.id);
    expect(byCost.candidates[0]?.parts.weights.quality).toBe(0);
    const greeting = ask('hi there!', { routing: { task: 'chat', priorities: { quality: 1 } } });
    expect(route(greeting).candidates[0]?.deploymentId).not.toBe(LLAMA_8B.id);
    expect(route(greeting).reasons.join('\n')).toMatch(/priorities applied/);
  });

  it('a budget-aware policy leans to cost when the budget runs low', () => {
    const coding = ask(CODING_PROMPT, { routing: { task: 'coding' } });
    const decision = decide({
      request: coding,
      candidates: DEMO_PROFILES,
      stats: noStats,
      policy: BUILT_IN_POLICIES.balanced,
      requested: 'auto',
      budget: { remainingFraction: 0.02 },
    });
    expect(decision.candidates[0]?.deploymentId).not.toBe(CLAUDE_SONNET.id);
    expect(decision.reasons.join('\n')).toMatch(/budget at 2%/);
  });

  it('weighs a repeated request as the first time, and follows a policy changed in place', () => {
    const policy = { ...BUILT_IN_POLICIES.balanced, weights: { ...BUILT_IN_POLICIES.balanced.weights } };
    const first = route(ask(CODING_PROMPT), policy);
    const again = route(ask(CODING_PROMPT), policy);
    expect({ ...again, elapsedUs: 0 }).toEqual({ ...first, elapsedUs: 0 });
    policy.weights.cost = 0;
    policy.weights.latency = 0;
    const changed = route(ask(CODING_PROMPT), policy);
    expect(changed.candidates[0]?.parts.weights.cost).toBe(0);
    expect(changed.reasons[1]).toMatch(/weights cost 0\.00, latency 0\.00/);
  });
});
