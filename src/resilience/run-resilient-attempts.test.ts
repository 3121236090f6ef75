import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/gateway-error.js';
import { modelProfileFixture } from '../../test/support/model-profile-fixture.js';
import { ManualClock } from './manual-clock.js';
import { Resilience } from './resilience.js';
import { AttemptsFailedError, runResilientAttempts, type ResilientAttemptsOptions } from './run-resilient-attempts.js';

function profile(id: string, contextWindow = 8_000) {
  return modelProfileFixture(id, { contextWindow });
}

const profiles = new Map(['a', 'b', 'c'].map((id) => [id, profile(id)]));
profiles.set('big', profile('big', 200_000));

function resilience(overrides: Partial<ConstructorParameters<typeof Resilience>[0]> = {}) {
  return new Resilience({ profiles, backoff: { baseMs: 1, maxMs: 1, random: () => 0 }, retry: { maxRetriesPerCandidate: 1 }, breaker: { consecutiveFailures: 3 }, ...overrides });
}

/** Answers from a script per deployment: an error to throw or a value to return, in order. */
function scripted(script: Record<string, Array<GatewayError | string>>) {
  const calls: string[] = [];
  const call = async (id: string): Promise<string> => {
    calls.push(id);
    const next = script[id]?.shift() ?? `answer from ${id}`;
    if (next instanceof GatewayError) throw next;
    return next;
  };
  return { calls, call };
}

async function failure(options: ResilientAttemptsOptions<string>): Promise<AttemptsFailedError> {
  const caught: unknown = await runResilientAttempts(options).then(() => undefined, (error: unknown) => error);
  expect(caught).toBeInstanceOf(AttemptsFailedError);
  return caught as AttemptsFailedError;
}

describe('runResilientAttempts', () => {
  it('retries a transient failure on the same deployment, then succeeds', async () => {
    const { calls, call } = scripted({ a: [new GatewayError('overloaded', '503')] });
    const result = await runResilientAttempts({ resilience: resilience(), candidates: ['a', 'b'], call });
    expect(calls).toEqual(['a', 'a']);
    expect(result.value).toBe('answer from a');
    expect(result.steps.map((s) => `${s.deploymentId}:${s.outcome}:${s.next ?? ''}`)).toEqual(['a:overloaded:retry_same', 'a:ok:']);
  });

  it('falls back after the per-candidate retries', async () => {
    const down = () => new GatewayError('network_error', 'reset');
    const { calls, call } = scripted({ a: [down(), down()] });
    const result = await runResilientAttempts({ resilience: resilience(), candidates: ['a', 'b'], call });
    expect(calls).toEqual(['a', 'a', 'b']);
    expect(result.deploymentId).toBe('b');
  });

  it('escalates a context overflow to a larger window outside the chain', async () => {
    const { calls, call } = scripted({ a: [new GatewayError('context_length_exceeded', 'too long')] });
    const result = await runResilientAttempts({ resilience: resilience(), candidates: ['a', 'b'], call });
    expect(calls).toEqual(['a', 'big']);
    expect(result.steps[0]?.next).toBe('next_larger_window');
  });

  it('returns invalid requests at once', async () => {
    const { calls, call } = scripted({ a: [new GatewayError('upstream_invalid_request', 'bad')] });
    const error = await failure({ resilience: resilience(), candidates: ['a', 'b'], call });
    expect(error.error.code).toBe('upstream_invalid_request');
    expect(calls).toEqual(['a']);
  });

  it('skips a deployment behind an open breaker without calling it', async () => {
    const shared = resilience();
    shared.breakers.forceOpen('a');
    const { calls, call } = scripted({});
    const result = await runResilientAttempts({ resilience: shared, candidates: ['a', 'b'], call });
    expect(calls).toEqual(['b']);
    expect(result.steps[0]).toMatchObject({ deploymentId: 'a', called: false, error: { code: 'circuit_open' } });
  });

  it('answers circuit_open when every candidate is open', async () => {
    const shared = resilience();
    shared.breakers.forceOpen('a');
    shared.breakers.forceOpen('b');
    const error = await failure({ resilience: shared, candidates: ['a', 'b'], call: scripted({}).call });
    expect(error.error.code).toBe('circuit_open');
  });

  it('stops at max attempts and reports the last failure', async () => {
    const fail = () => new GatewayError('upstream_server_error', '500');
    const { calls, call } = scripted({ a: [fail(), fail()], b: [fail(), fail()], c: [fail()] });
    const error = await failure({ resilience: resilience(), candidates: ['a', 'b', 'c'], call, maxAttempts: 3 });
    expect(calls).toHaveLength(3);
    expect(error.error.code).toBe('upstream_server_error');
    expect(error.steps).toHaveLength(3);
  });

  it('never retries once the client has gone', async () => {
    const controller = new AbortController();
    const calls: string[] = [];
    const error = await failure({
      resilience: resilience(),
      candidates: ['a', 'b'],
      signal: controller.signal,
      call: async (id) => {
        calls.push(id);
        controller.abort();
        throw new GatewayError('network_error', 'aborted');
      },
    });
    expect(error.error.code).toBe('client_closed');
    expect(calls).toEqual(['a']);
  });

  it('a spent retry budget stops repeats: the loop moves on, and gives up when nothing is left', async () => {
    const shared = resilience({ retryBudget: { ratio: 0, minRetriesPerWindow: 0 } });
    const { calls, call } = scripted({ a: [new GatewayError('upstream_server_error', '500')] });
    const result = await runResilientAttempts({ resilience: shared, candidates: ['a', 'b'], call });
    expect(calls).toEqual(['a', 'b']);
    expect(result.steps[0]?.next).toBe('next_candidate');
    const alone = scripted({ a: [new GatewayError('upstream_server_error', '500')] });
    const error = await failure({ resilience: shared, candidates: ['a'], call: alone.call });
    expect(alone.calls).toEqual(['a']);
    expect(error.steps[0]?.next).toBe('return_error');
  });
});

describe('runResilientAttempts with every candidate cooling down', () => {
  /** Moves the manual clock in small steps until the loop settles, so its sleeps end in order. */
  async function drive<T>(clock: ManualClock, running: Promise<T>): Promise<{ value?: T; error?: unknown; elapsedMs: number }> {
    const started = clock.now();
    let settled: { value?: T; error?: unknown } | undefined;
    running.then(
      (value) => (settled = { value }),
      (error: unknown) => (settled = { error }),
    );
    for (let step = 0; settled === undefined && step < 10_000; step += 1) await clock.advanceAsync(1, 1);
    expect(settled).toBeDefined();
    return { ...settled, elapsedMs: clock.now() - started };
  }
  const rateLimited = (retryAfterMs: number) => new GatewayError('rate_limited', '429', { retryAfterMs });

  it('waits for the first 429 cool-down to end instead of failing', async () => {
    const clock = new ManualClock(1_000);
    const shared = resilience({ clock, retry: { maxRetriesPerCandidate: 0 } });
    const { calls, call } = scripted({ a: [rateLimited(20)], b: [rateLimited(40)] });
    const outcome = await drive(clock, runResilientAttempts({ resilience: shared, candidates: ['a', 'b'], call, maxAttempts: 4 }));
    // a: 429 and no retries allowed; b: 429; nothing left, so wait for a (free first) and call it again.
    expect(calls).toEqual(['a', 'b', 'a']);
    expect(outcome.value?.deploymentId).toBe('a');
    // Not before a's retry-after, and without waiting for b's longer one.
    expect(outcome.elapsedMs).toBeGreaterThanOrEqual(20);
    expect(outcome.elapsedMs).toBeLessThan(40);
  });

  it('after a race whose every leg got a 429, waits for whichever leg is free first, not only the first pick', async () => {
    const clock = new ManualClock(1_000);
    const shared = resilience({ clock, retry: { maxRetriesPerCandidate: 0 } });
    const { calls, call } = scripted({ a: [rateLimited(40)], b: [rateLimited(20)] });
    const outcome = await drive(clock, runResilientAttempts({ resilience: shared, candidates: ['a', 'b'], call, maxAttempts: 4, spread: { kind: 'race', n: 2 } }));
    expect(calls).toEqual(['a', 'b', 'b']);
    expect(outcome.value?.deploymentId).toBe('b');
    expect(outcome.elapsedMs).toBeGreaterThanOrEqual(20);
    expect(outcome.elapsedMs).toBeLessThan(40);
  });

  it('waits again when the cool-down is renewed, but never past max attempts', async () => {
    const clock = new ManualClock(1_000);
    const shared = resilience({ clock, retry: { maxRetriesPerCandidate: 0 } });
    const renewed = scripted({ a: [rateLimited(20), rateLimited(20)] });
    const recovered = await drive(clock, runResilientAttempts({ resilience: shared, candidates: ['a'], call: renewed.call, maxAttempts: 4 }));
    expect(renewed.calls).toEqual(['a', 'a', 'a']);
    expect(recovered.value?.value).toBe('answer from a');
    const storm = scripted({ a: Array.from({ length: 10 }, () => rateLimited(20)) });
    const outcome = await drive(clock, runResilientAttempts({ resilience: shared, candidates: ['a'], call: storm.call, maxAttempts: 3 }));
    expect(storm.calls).toEqual(['a', 'a', 'a']);
    expect((outcome.error as AttemptsFailedError).error.code).toBe('rate_limited');
  });

  it('does not wait for a cool-down longer than the retry-after cap', async () => {
    const clock = new ManualClock(1_000);
    const shared = resilience({ clock, retry: { maxRetriesPerCandidate: 0 }, backoff: { baseMs: 1, maxMs: 1, random: () => 0, maxRetryAfterMs: 100 } });
    const { calls, call } = scripted({ a: [rateLimited(500)] });
    const outcome = await drive(clock, runResilientAttempts({ resilience: shared, candidates: ['a'], call, maxAttempts: 4 }));
    expect(calls).toEqual(['a']);
    expect((outcome.error as AttemptsFailedError).error.code).toBe('rate_limited');
    expect(outcome.elapsedMs).toBeLessThan(100);
  });
});
