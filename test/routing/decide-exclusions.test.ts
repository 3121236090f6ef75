import { describe, expect, it } from 'vitest';
import { BUILT_IN_POLICIES, decide, type Policy } from '../../src/routing/index.js';
import type { ChatRequest, ExclusionReason, LiveStats, ModelProfile } from '../../src/spec/index.js';
import { CLAUDE_HAIKU, CLAUDE_SONNET, DEMO_PROFILES, GEMINI_FLASH, GPT_4O, GPT_4O_MINI, LLAMA_8B } from './demo-profiles.js';

const base: ChatRequest = { model: 'auto', messages: [{ role: 'user', content: 'Tell me a fun fact.' }], routing: { task: 'chat' } };

function run(request: ChatRequest, options: { stats?: Map<string, LiveStats>; policy?: Policy; candidates?: readonly ModelProfile[] } = {}) {
  return decide({
    request,
    candidates: options.candidates ?? DEMO_PROFILES,
    stats: options.stats ?? new Map(),
    policy: options.policy ?? BUILT_IN_POLICIES.balanced,
    requested: 'auto',
  });
}

function reasonFor(decision: ReturnType<typeof run>, id: string): ExclusionReason | undefined {
  return decision.excluded.find((e) => e.deploymentId === id)?.reason;
}

function stats(id: string, fields: Partial<LiveStats>): LiveStats {
  return { deploymentId: id, samples: 0, breaker: 'closed', inFlight: 0, ...fields };
}

describe('hard constraints', () => {
  it('context window counts input plus requested output', () => {
    const decision = run({ ...base, maxOutputTokens: 8_000 });
    expect(reasonFor(decision, LLAMA_8B.id)).toBe('context_window');
    expect(decision.excluded.find((e) => e.deploymentId === LLAMA_8B.id)?.detail).toMatch(/8000/);
    expect(reasonFor(decision, GPT_4O.id)).toBeUndefined();
  });

  it('a requested output above the model maximum excludes it', () => {
    const decision = run({ ...base, maxOutputTokens: 12_000 });
    expect(reasonFor(decision, CLAUDE_SONNET.id)).toBe('context_window');
    expect(reasonFor(decision, GPT_4O.id)).toBeUndefined();
  });

  it('capabilities: images, tools, JSON', () => {
    const image: ChatRequest = {
      ...base,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is in this picture?' }, { type: 'image', url: 'https://example.com/cat.png' }] }],
    };
    const withImage = run(image);
    expect(reasonFor(withImage, CLAUDE_HAIKU.id)).toBe('capability');
    expect(reasonFor(withImage, LLAMA_8B.id)).toBe('capability');
    expect(withImage.excluded.find((e) => e.deploymentId === CLAUDE_HAIKU.id)?.detail).toMatch(/images/);

    const noTools = { ...GPT_4O_MINI, id: 'x/no-tools', capabilities: { ...GPT_4O_MINI.capabilities, tools: false } };
    const tools: ChatRequest = { ...base, tools: [{ type: 'function', function: { name: 'lookup' } }] };
    expect(reasonFor(run(tools, { candidates: [noTools, GPT_4O] }), noTools.id)).toBe('capability');
    expect(reasonFor(run({ ...tools, toolChoice: 'none' }, { candidates: [noTools, GPT_4O] }), noTools.id)).toBeUndefined();

    const json = run({ ...base, responseFormat: { type: 'json_object' } });
    expect(reasonFor(json, LLAMA_8B.id)).toBe('capability');
  });

  it("the caller's allowed models, by id, model name or provider prefix", () => {
    const decision = run({ ...base, routing: { task: 'chat', allowedModels: ['openai/*', 'gemini-flash'] } });
    expect(decision.candidates.map((c) => c.deploymentId).sort()).toEqual([GEMINI_FLASH.id, GPT_4O.id, GPT_4O_MINI.id]);
    expect(reasonFor(decision, CLAUDE_SONNET.id)).toBe('not_allowed');
  });

  it('max_cost_usd against the estimated cost', () => {
    const decision = run({ ...base, routing: { task: 'chat', maxCostUsd: 0.0005 } });
    expect(reasonFor(decision, CLAUDE_SONNET.id)).toBe('max_cost');
    expect(reasonFor(decision, GPT_4O.id)).toBe('max_cost');
    expect(reasonFor(decision, GEMINI_FLASH.id)).toBeUndefined();
    for (const c of decision.candidates) expect(c.estimatedCostUsd).toBeLessThanOrEqual(0.0005);
  });

  it('max_latency_ms against the expected latency, using live TTFT where measured', () => {
    const slowFlash = new Map([[GEMINI_FLASH.id, stats(GEMINI_FLASH.id, { samples: 50, ewmaTtftMs: 4_000, errorRate: 0 })]]);
    const decision = run({ ...base, routing: { task: 'chat', maxLatencyMs: 2_000 } }, { stats: slowFlash });
    expect(reasonFor(decision, GEMINI_FLASH.id)).toBe('max_latency');
    expect(reasonFor(decision, CLAUDE_SONNET.id)).toBe('max_latency');
    expect(reasonFor(decision, LLAMA_8B.id)).toBeUndefined();
  });

  it('open breakers and saturated deployments', () => {
    const live = new Map([
      [LLAMA_8B.id, stats(LLAMA_8B.id, { breaker: 'open' })],
      [GEMINI_FLASH.id, stats(GEMINI_FLASH.id, { saturated: true })],
    ]);
    const decision = run(base, { stats: live });
    expect(reasonFor(decision, LLAMA_8B.id)).toBe('breaker_open');
    expect(reasonFor(decision, GEMINI_FLASH.id)).toBe('rate_limited');
  });

  it('the remaining budget', () => {
    const decision = decide({
      request: base,
      candidates: DEMO_PROFILES,
      stats: new Map(),
      policy: BUILT_IN_POLICIES.balanced,
      requested: 'auto',
      budget: { remainingUsd: 0.0002 },
    });
    expect(reasonFor(decision, GPT_4O.id)).toBe('budget');
    expect(reasonFor(decision, LLAMA_8B.id)).toBeUndefined();
  });

  it('policy constraints apply to every request', () => {
    const onlyAnthropic: Policy = { ...BUILT_IN_POLICIES.cheapest, name: 'anthropic-only', constraints: { allowedModels: ['anthropic/*'] } };
    const decision = run(base, { policy: onlyAnthropic });
    expect(decision.candidates[0]?.deploymentId).toBe(CLAUDE_HAIKU.id);
    expect(decision.excluded).toHaveLength(4);
  });

  it('nothing left: no candidates, and the reasons say why', () => {
    const huge = 'lorem ipsum dolor sit amet '.repeat(300_000);
    const decision = run({ model: 'auto', messages: [{ role: 'user', content: huge }] });
    expect(decision.candidates).toEqual([]);
    expect(decision.excluded.every((e) => e.reason === 'context_window')).toBe(true);
    expect(decision.reasons.join('\n')).toMatch(/no deployment can serve/);
  });
});

describe('live stats in the score', () => {
  it('a high measured error rate lowers reliability and moves the pick', () => {
    const request: ChatRequest = { ...base, routing: { task: 'chat' } };
    expect(run(request).candidates[0]?.deploymentId).toBe(LLAMA_8B.id);
    const flaky = new Map([[LLAMA_8B.id, stats(LLAMA_8B.id, { samples: 200, errorRate: 0.4 })]]);
    const decision = run(request, { stats: flaky });
    const llama = decision.candidates.find((c) => c.deploymentId === LLAMA_8B.id);
    expect(llama?.parts.reliability).toBe(0);
    expect(decision.candidates[0]?.deploymentId).not.toBe(LLAMA_8B.id);
  });
});
