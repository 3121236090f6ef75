import { describe, expect, it } from 'vitest';
import type { ModelProfile } from '../spec/model-profile.js';
import { planFallback, type FallbackInput } from './fallback-action.js';

function profile(id: string, contextWindow: number, tools = true): ModelProfile {
  return {
    id,
    provider: 'openai',
    model: id,
    pricing: { inputPerMTok: 1, outputPerMTok: 2, cachedInputPerMTok: 0.5 },
    contextWindow,
    maxOutputTokens: 4_096,
    capabilities: { tools, vision: false, json: true, streaming: true, embeddings: false },
    quality: { default: 0.5 },
    latency: { ttftMs: 300, outputTokensPerSecond: 50 },
    limits: {},
    source: { pricing: 'config', quality: 'default' },
    simulated: false,
  };
}

const profiles = new Map([
  ['a/small', profile('a/small', 8_000)],
  ['b/small', profile('b/small', 8_000)],
  ['c/medium', profile('c/medium', 32_000)],
  ['d/large', profile('d/large', 200_000)],
  ['e/huge', profile('e/huge', 1_000_000, false)],
]);

function input(overrides: Partial<FallbackInput>): FallbackInput {
  return { outcome: 'server_error', current: 'a/small', mayRetrySame: false, remaining: ['b/small'], tried: new Set(['a/small']), profiles, ...overrides };
}

describe('planFallback', () => {
  it.each(['rate_limited', 'overloaded', 'timeout', 'server_error', 'network'] as const)('%s retries the same deployment when allowed, else moves on', (outcome) => {
    expect(planFallback(input({ outcome, mayRetrySame: true }))).toEqual({ kind: 'retry_same', deploymentId: 'a/small' });
    expect(planFallback(input({ outcome }))).toEqual({ kind: 'next_candidate', deploymentId: 'b/small' });
  });

  it('returns the error when no candidate is left', () => {
    expect(planFallback(input({ remaining: ['b/small'], tried: new Set(['a/small', 'b/small']) }))).toMatchObject({ kind: 'return_error', markUnhealthy: false });
  });

  it('skips ineligible candidates', () => {
    const action = planFallback(input({ remaining: ['b/small', 'c/medium'], eligible: (p) => p.id !== 'b/small' }));
    expect(action).toEqual({ kind: 'next_candidate', deploymentId: 'c/medium' });
  });

  it('context overflow goes to the next ranked candidate with a larger window', () => {
    const action = planFallback(input({ outcome: 'context_overflow', remaining: ['b/small', 'd/large', 'c/medium'] }));
    expect(action).toEqual({ kind: 'next_larger_window', deploymentId: 'd/large' });
  });

  it('context overflow finds the smallest larger window outside the chain', () => {
    const action = planFallback(input({ outcome: 'context_overflow', remaining: ['b/small'] }));
    expect(action).toEqual({ kind: 'next_larger_window', deploymentId: 'c/medium' });
    const needsMore = planFallback(input({ outcome: 'context_overflow', remaining: [], requiredTokens: 50_000 }));
    expect(needsMore).toEqual({ kind: 'next_larger_window', deploymentId: 'd/large' });
    const needsTools = planFallback(input({ outcome: 'context_overflow', remaining: [], requiredTokens: 300_000, eligible: (p) => p.capabilities.tools }));
    expect(needsTools).toMatchObject({ kind: 'return_error' });
  });

  it('content filter uses the configured fallback once, else returns the error', () => {
    expect(planFallback(input({ outcome: 'content_filtered', contentFilterFallback: 'd/large' }))).toEqual({ kind: 'content_filter_fallback', deploymentId: 'd/large' });
    expect(planFallback(input({ outcome: 'content_filtered' }))).toMatchObject({ kind: 'return_error' });
    expect(planFallback(input({ outcome: 'content_filtered', contentFilterFallback: 'd/large', tried: new Set(['a/small', 'd/large']) }))).toMatchObject({ kind: 'return_error' });
  });

  it('invalid requests return at once; auth also flags the deployment', () => {
    expect(planFallback(input({ outcome: 'invalid_request', mayRetrySame: true }))).toMatchObject({ kind: 'return_error', markUnhealthy: false });
    expect(planFallback(input({ outcome: 'auth', mayRetrySame: true }))).toMatchObject({ kind: 'return_error', markUnhealthy: true });
  });
});
