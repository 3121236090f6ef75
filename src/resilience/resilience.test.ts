import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/gateway-error.js';
import type { ModelProfile } from '../spec/model-profile.js';
import { ManualClock } from './manual-clock.js';
import { Resilience, type FailureInput } from './resilience.js';

function profile(id: string, contextWindow: number, limits: ModelProfile['limits'] = {}): ModelProfile {
  return {
    id,
    provider: 'openai',
    model: id,
    pricing: { inputPerMTok: 1, outputPerMTok: 2, cachedInputPerMTok: 0.5 },
    contextWindow,
    maxOutputTokens: 1_000,
    capabilities: { tools: true, vision: false, json: true, streaming: true, embeddings: false },
    quality: { default: 0.5 },
    latency: { ttftMs: 300, outputTokensPerSecond: 50 },
    limits,
    source: { pricing: 'config', quality: 'default' },
    simulated: false,
  };
}

const profiles = new Map([
  ['a', profile('a', 8_000, { maxConcurrent: 1 })],
  ['b', profile('b', 8_000, { requestsPerMinute: 2 })],
  ['big', profile('big', 128_000)],
]);

function setup(overrides: Partial<ConstructorParameters<typeof Resilience>[0]> = {}) {
  const clock = new ManualClock(1_000_000);
  const resilience = new Resilience({
    profiles,
    clock,
    backoff: { baseMs: 100, random: () => 0.5 },
    retry: { maxRetriesPerCandidate: 1 },
    breaker: { consecutiveFailures: 2, cooldownMs: 5_000 },
    maxQueue: 1,
    ...overrides,
  });
  return { clock, resilience };
}

function failure(error: unknown, overrides: Partial<FailureInput> = {}): FailureInput {
  return { error, deploymentId: 'a', attemptsOnCandidate: 1, committed: false, clientGone: false, remaining: ['b'], tried: new Set(['a']), ...overrides };
}

describe('Resilience', () => {
  it('admits an attempt and settles it into breaker, stats and limits', async () => {
    const { resilience } = setup();
    const admission = await resilience.admit('a');
    expect(admission.admitted).toBe(true);
    if (!admission.admitted) return;
    expect(resilience.liveStats('a')).toMatchObject({ inFlight: 1, saturated: true });
    admission.permit.succeeded({ latencyMs: 400, ttftMs: 100 });
    admission.permit.failed(new GatewayError('overloaded', 'late')); // ignored: already settled
    expect(resilience.liveStats('a')).toMatchObject({ inFlight: 0, samples: 1, ewmaLatencyMs: 400, breaker: 'closed', errorRate: 0 });
    expect(resilience.hedgeDelayMs('a', { fallbackMs: 999 })).toBe(100);
    expect(resilience.hedgeDelayMs('b', { fallbackMs: 999 })).toBe(999);
  });

  it('skips a deployment whose breaker is open, without calling it', async () => {
    const { resilience } = setup();
    for (let i = 0; i < 2; i += 1) {
      const admission = await resilience.admit('a');
      if (admission.admitted) admission.permit.failed(new GatewayError('upstream_server_error', '500'));
    }
    expect(resilience.isAvailable('a')).toBe(false);
    const refused = await resilience.admit('a');
    expect(refused).toMatchObject({ admitted: false, error: { code: 'circuit_open', deploymentId: 'a' } });
    expect(resilience.liveStats('a').breaker).toBe('open');
  });

  it('skips a deployment at its RPM limit', async () => {
    const { clock, resilience } = setup();
    for (let i = 0; i < 2; i += 1) {
      const admission = await resilience.admit('b');
      if (admission.admitted) admission.permit.succeeded();
    }
    expect(resilience.isAvailable('b')).toBe(false);
    expect(await resilience.admit('b')).toMatchObject({ admitted: false, error: { code: 'rate_limited' } });
    clock.advance(60_000);
    expect(resilience.isAvailable('b')).toBe(true);
  });

  it('queues at the concurrency limit and sheds when the queue is full', async () => {
    const { resilience } = setup();
    const first = await resilience.admit('a');
    const queued = resilience.admit('a');
    expect(await resilience.admit('a')).toMatchObject({ admitted: false, error: { code: 'queue_full', status: 429 } });
    if (first.admitted) first.permit.abandoned();
    expect((await queued).admitted).toBe(true);
  });

  it('admits at once only what admit would grant without waiting', async () => {
    const { resilience } = setup();
    const first = resilience.admitAtOnce('a', {});
    expect(first?.admitted).toBe(true);
    // At the concurrency limit the answer may have to wait: admit decides.
    expect(resilience.admitAtOnce('a', {})).toBeUndefined();
    const queued = resilience.admit('a');
    if (first?.admitted === true) first.permit.abandoned();
    // A free slot with someone queued for it is not taken past the queue.
    expect(resilience.admitAtOnce('a', {})).toBeUndefined();
    expect((await queued).admitted).toBe(true);
    const aborted = new AbortController();
    aborted.abort();
    expect(resilience.admitAtOnce('big', { signal: aborted.signal })).toBeUndefined();
    // Refusals are answered at once, like admit's.
    expect(resilience.admitAtOnce('b', { estimatedTokens: 1 })?.admitted).toBe(true);
    expect(resilience.admitAtOnce('b', { estimatedTokens: 1 })?.admitted).toBe(true);
    expect(resilience.admitAtOnce('b', { estimatedTokens: 1 })).toMatchObject({ admitted: false, error: { code: 'rate_limited' } });
  });

  it('takes a policy\'s own retries and content-filter fallback over the gateway\'s', () => {
    const { resilience } = setup();
    resilience.requestStarted();
    const error = new GatewayError('upstream_server_error', '500');
    // No retries on this policy: straight to the next candidate.
    expect(resilience.afterFailure(failure(error, { retries: { max: 0 } }))).toMatchObject({ action: { kind: 'next_candidate', deploymentId: 'b' }, retryRefusal: 'max_retries' });
    // Its own backoff: base 1000 ms, half of it with the test's jitter.
    expect(resilience.afterFailure(failure(error, { retries: { baseMs: 1_000, maxMs: 10_000 } }))).toEqual({ action: { kind: 'retry_same', deploymentId: 'a' }, delayMs: 500 });
    const filtered = new GatewayError('content_filtered', 'filtered');
    expect(resilience.afterFailure(failure(filtered, { contentFilterFallback: 'big' }))).toMatchObject({ action: { kind: 'content_filter_fallback', deploymentId: 'big' } });
  });

  it('retries the same deployment with backoff, then falls back, within the budget', () => {
    const { resilience } = setup();
    resilience.requestStarted();
    const error = new GatewayError('upstream_server_error', '500');
    expect(resilience.afterFailure(failure(error))).toEqual({ action: { kind: 'retry_same', deploymentId: 'a' }, delayMs: 50 });
    expect(resilience.afterFailure(failure(error, { attemptsOnCandidate: 2 }))).toEqual({
      action: { kind: 'next_candidate', deploymentId: 'b' },
      delayMs: 0,
      retryRefusal: 'max_retries',
    });
  });

  it('waits out retry-after, and moves on when it is longer than the cap or the deadline', () => {
    const { clock, resilience } = setup({ backoff: { maxRetryAfterMs: 3_000, random: () => 0.5 } });
    const limited = (ms: number) => new GatewayError('rate_limited', '429', { retryAfterMs: ms });
    expect(resilience.afterFailure(failure(limited(2_000)))).toMatchObject({ action: { kind: 'retry_same' }, delayMs: 2_000 });
    expect(resilience.afterFailure(failure(limited(10_000)))).toMatchObject({ action: { kind: 'next_candidate' }, retryRefusal: 'retry_after_too_long' });
    expect(resilience.afterFailure(failure(limited(2_000), { deadlineAt: clock.now() + 1_000 }))).toMatchObject({
      action: { kind: 'next_candidate' },
      retryRefusal: 'deadline',
    });
  });

  it('once the retry budget is spent, moves on instead of repeating', () => {
    const { resilience } = setup({ retryBudget: { minRetriesPerWindow: 1, ratio: 0 } });
    const error = new GatewayError('network_error', 'reset');
    expect(resilience.afterFailure(failure(error)).action.kind).toBe('retry_same');
    expect(resilience.afterFailure(failure(error))).toMatchObject({ action: { kind: 'next_candidate', deploymentId: 'b' }, retryRefusal: 'budget' });
    expect(resilience.afterFailure(failure(error, { remaining: [] }))).toMatchObject({ action: { kind: 'return_error' }, retryRefusal: 'budget' });
    expect(resilience.budget.snapshot()).toMatchObject({ retries: 1, allowed: 1 });
  });

  it('never retries once committed or once the client is gone', () => {
    const { resilience } = setup();
    const error = new GatewayError('network_error', 'reset');
    expect(resilience.afterFailure(failure(error, { committed: true })).action).toMatchObject({ kind: 'return_error' });
    expect(resilience.afterFailure(failure(error, { clientGone: true })).action).toMatchObject({ kind: 'return_error' });
  });

  it('context overflow escalates to a larger window; auth takes the deployment out', () => {
    const { resilience } = setup();
    expect(resilience.afterFailure(failure(new GatewayError('context_length_exceeded', 'too long'))).action).toEqual({ kind: 'next_larger_window', deploymentId: 'big' });
    expect(resilience.afterFailure(failure(new GatewayError('upstream_auth', '401'))).action).toMatchObject({ kind: 'return_error', markUnhealthy: true });
    expect(resilience.breakers.state('a')).toBe('open');
  });
});
