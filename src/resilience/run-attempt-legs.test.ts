import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/gateway-error.js';
import { modelProfileFixture } from '../../test/support/model-profile-fixture.js';
import { ManualClock } from './manual-clock.js';
import { Resilience } from './resilience.js';
import { AttemptsFailedError, runResilientAttempts, type AttemptStep } from './run-resilient-attempts.js';

const profiles = new Map(['a', 'b', 'c', 'd'].map((id) => [id, modelProfileFixture(id)]));

function setup(options: { minRetries?: number } = {}) {
  const clock = new ManualClock(1_000_000);
  const resilience = new Resilience({
    profiles,
    clock,
    backoff: { baseMs: 1, maxMs: 1, random: () => 0 },
    retry: { maxRetriesPerCandidate: 0 },
    retryBudget: { minRetriesPerWindow: options.minRetries ?? 10, ratio: 0 },
  });
  return { clock, resilience };
}

/** Upstream calls that stay open until the test settles them, or until their signal aborts. */
function manualCalls() {
  const started: string[] = [];
  const pending = new Map<string, { resolve(value: string): void; reject(error: unknown): void; signal: AbortSignal }>();
  const call = (id: string, signal: AbortSignal): Promise<string> => {
    started.push(id);
    return new Promise<string>((resolve, reject) => {
      pending.set(id, { resolve, reject, signal });
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  };
  const leg = (id: string) => {
    const entry = pending.get(id);
    if (entry === undefined) throw new Error(`${id} was not called`);
    return entry;
  };
  return { started, call, leg };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));
const summary = (steps: AttemptStep[]) => steps.map((s) => `${s.deploymentId}:${s.outcome}:${s.error?.code ?? ''}:${s.role ?? ''}`);

describe('spread attempts: hedging and race', () => {
  it('hedge: a primary with no answer after the delay gets a hedge; the hedge answers and the primary is aborted', async () => {
    const { clock, resilience } = setup();
    const { started, call, leg } = manualCalls();
    const result = runResilientAttempts({ resilience, candidates: ['a', 'b', 'c'], call, spread: { kind: 'hedge', delayMs: 200 } });
    await flush();
    expect(started).toEqual(['a']);
    clock.advance(199);
    await flush();
    expect(started).toEqual(['a']);
    clock.advance(1);
    await flush();
    expect(started).toEqual(['a', 'b']);
    leg('b').resolve('from b');
    const done = await result;
    expect(done).toMatchObject({ value: 'from b', deploymentId: 'b' });
    expect(leg('a').signal.aborted).toBe(true);
    expect((leg('a').signal.reason as GatewayError).code).toBe('superseded');
    expect(summary(done.steps)).toEqual(['a:superseded:superseded:', 'b:ok::hedge']);
    // Losing a hedge says nothing about a deployment: nothing in flight, no failure counted.
    expect(resilience.liveStats('a')).toMatchObject({ inFlight: 0 });
    expect(resilience.breakers.state('a')).toBe('closed');
  });

  it('hedge: a primary answering first cancels the pending hedge and never calls the next candidate', async () => {
    const { clock, resilience } = setup();
    const { started, call, leg } = manualCalls();
    const result = runResilientAttempts({ resilience, candidates: ['a', 'b'], call, spread: { kind: 'hedge', delayMs: 200 } });
    await flush();
    leg('a').resolve('from a');
    const done = await result;
    expect(done.deploymentId).toBe('a');
    expect(summary(done.steps)).toEqual(['a:ok::']);
    expect(clock.pendingTimers).toBe(0);
    expect(started).toEqual(['a']);
  });

  it('hedge: the primary wins after the hedge started; the hedge is aborted', async () => {
    const { clock, resilience } = setup();
    const { call, leg } = manualCalls();
    const result = runResilientAttempts({ resilience, candidates: ['a', 'b'], call, spread: { kind: 'hedge', delayMs: 10 } });
    await flush();
    clock.advance(10);
    await flush();
    leg('a').resolve('from a');
    const done = await result;
    expect(done.deploymentId).toBe('a');
    expect(leg('b').signal.aborted).toBe(true);
    expect(summary(done.steps)).toEqual(['b:superseded:superseded:hedge', 'a:ok::']);
  });

  it('hedge: the client going away before the hedge delay clears the hedge timer; the hedge is never called', async () => {
    const { clock, resilience } = setup();
    const { started, call } = manualCalls();
    const controller = new AbortController();
    const result = runResilientAttempts({ resilience, candidates: ['a', 'b'], call, signal: controller.signal, spread: { kind: 'hedge', delayMs: 200 } }).catch(
      (error: unknown) => error,
    );
    await flush();
    expect(clock.pendingTimers).toBe(1);
    controller.abort();
    expect(((await result) as AttemptsFailedError).error.code).toBe('client_closed');
    expect(clock.pendingTimers).toBe(0);
    clock.advance(1_000);
    await flush();
    expect(started).toEqual(['a']);
    expect(resilience.liveStats('a').inFlight).toBe(0);
  });

  it('hedge: a hedge still queued for a concurrency slot when the primary answers leaves the queue and is never called', async () => {
    const clock = new ManualClock(1_000_000);
    const limited = new Map([
      ['a', modelProfileFixture('a')],
      ['b', modelProfileFixture('b', { limits: { maxConcurrent: 1 } })],
    ]);
    const resilience = new Resilience({ profiles: limited, clock, retry: { maxRetriesPerCandidate: 0 }, retryBudget: { minRetriesPerWindow: 10, ratio: 0 } });
    const busy = await resilience.admit('b');
    if (!busy.admitted) throw new Error('b should admit its first caller');
    const { started, call, leg } = manualCalls();
    const result = runResilientAttempts({ resilience, candidates: ['a', 'b'], call, spread: { kind: 'hedge', delayMs: 10 } });
    await flush();
    clock.advance(10);
    await flush();
    expect(resilience.concurrency.queued('b')).toBe(1);
    leg('a').resolve('from a');
    expect((await result).deploymentId).toBe('a');
    expect(resilience.concurrency.queued('b')).toBe(0);
    busy.permit.succeeded();
    await flush();
    expect(started).toEqual(['a']);
    expect([resilience.concurrency.inFlight('b'), resilience.liveStats('b').inFlight]).toEqual([0, 0]);
  });

  it('hedge: a primary failing before the delay leaves the next step to the loop (fallback), without a hedge', async () => {
    const { clock, resilience } = setup();
    const { started, call, leg } = manualCalls();
    const result = runResilientAttempts({ resilience, candidates: ['a', 'b'], call, spread: { kind: 'hedge', delayMs: 200 } });
    await flush();
    leg('a').reject(new GatewayError('upstream_server_error', '500'));
    await flush();
    expect(clock.pendingTimers).toBe(0);
    expect(started).toEqual(['a', 'b']);
    leg('b').resolve('from b');
    const done = await result;
    expect(summary(done.steps)).toEqual(['a:server_error:upstream_server_error:', 'b:ok::']);
  });

  it('hedge: when the primary fails after the hedge started, the hedge carries on alone; when both fail the loop goes on', async () => {
    const { clock, resilience } = setup();
    const { call, leg } = manualCalls();
    const result = runResilientAttempts({ resilience, candidates: ['a', 'b', 'c'], call, spread: { kind: 'hedge', delayMs: 5 } });
    await flush();
    clock.advance(5);
    await flush();
    leg('a').reject(new GatewayError('network_error', 'reset'));
    await flush();
    leg('b').reject(new GatewayError('overloaded', '503'));
    await flush();
    leg('c').resolve('from c');
    const done = await result;
    expect(done.deploymentId).toBe('c');
    expect(summary(done.steps)).toEqual(['a:network:network_error:', 'b:overloaded:overloaded:hedge', 'c:ok::']);
    expect(done.steps[0]?.next).toBe('next_candidate');
  });

  it('hedge: without retry budget no hedge is started', async () => {
    const { clock, resilience } = setup({ minRetries: 0 });
    const { started, call, leg } = manualCalls();
    const result = runResilientAttempts({ resilience, candidates: ['a', 'b'], call, spread: { kind: 'hedge', delayMs: 5 } });
    await flush();
    clock.advance(50);
    await flush();
    expect(started).toEqual(['a']);
    leg('a').resolve('from a');
    expect((await result).deploymentId).toBe('a');
  });

  it('hedge delay: the measured p95 time to first token, else twice the declared one', () => {
    const { resilience } = setup();
    expect(resilience.hedgeDelayMs('a')).toBe(600);
    resilience.stats.begin('a');
    resilience.stats.end('a', { outcome: 'ok', latencyMs: 90, ttftMs: 80 });
    expect(resilience.hedgeDelayMs('a')).toBe(80);
  });

  it('hedge delay: a stream waits on the first-token p95 of streams, a JSON call on the answer p95 of JSON calls', async () => {
    const { clock, resilience } = setup({ minRetries: 100 });
    // One deployment serving both: JSON answers take 2 s in all, streams reach their first token in 100 ms.
    for (let i = 0; i < 10; i += 1) {
      const { call, leg } = manualCalls();
      const json = runResilientAttempts({ resilience, candidates: ['a'], call, resolvesAt: 'answer' });
      await flush();
      clock.advance(2_000);
      leg('a').resolve('json');
      await json;
      const stream = await resilience.admit('a');
      if (stream.admitted) stream.permit.succeeded({ latencyMs: 5_000, ttftMs: 100 });
    }
    expect(resilience.hedgeDelayMs('a')).toBe(100);
    expect(resilience.hedgeDelayMs('a', { resolvesAt: 'answer' })).toBe(2_000);

    const streamed = manualCalls();
    const stream = runResilientAttempts({ resilience, candidates: ['a', 'b'], call: streamed.call, spread: { kind: 'hedge' } });
    const answered = manualCalls();
    const json = runResilientAttempts({ resilience, candidates: ['a', 'c'], call: answered.call, spread: { kind: 'hedge' }, resolvesAt: 'answer' });
    await flush();
    clock.advance(100);
    await flush();
    expect(streamed.started).toEqual(['a', 'b']);
    expect(answered.started).toEqual(['a']);
    clock.advance(1_900);
    await flush();
    expect(answered.started).toEqual(['a', 'c']);
    streamed.leg('b').resolve('stream');
    answered.leg('c').resolve('json');
    expect([(await stream).deploymentId, (await json).deploymentId]).toEqual(['b', 'c']);
  });

  it('race: n candidates at once; the first answer wins and the others are aborted', async () => {
    const { resilience } = setup();
    const { started, call, leg } = manualCalls();
    const result = runResilientAttempts({ resilience, candidates: ['a', 'b', 'c', 'd'], call, spread: { kind: 'race', n: 3 } });
    await flush();
    expect(started).toEqual(['a', 'b', 'c']);
    leg('c').resolve('from c');
    const done = await result;
    expect(done.deploymentId).toBe('c');
    expect(leg('a').signal.aborted && leg('b').signal.aborted).toBe(true);
    expect(summary(done.steps)).toEqual(['a:superseded:superseded:race', 'b:superseded:superseded:race', 'c:ok::race']);
  });

  it('race: a failing leg does not end the race; when every leg fails the loop falls back to the rest of the chain', async () => {
    const { resilience } = setup();
    const { started, call, leg } = manualCalls();
    const result = runResilientAttempts({ resilience, candidates: ['a', 'b', 'c'], call, spread: { kind: 'race', n: 2 } });
    await flush();
    leg('b').reject(new GatewayError('upstream_server_error', '500'));
    await flush();
    leg('a').reject(new GatewayError('network_error', 'reset'));
    await flush();
    expect(started).toEqual(['a', 'b', 'c']);
    leg('c').resolve('from c');
    const done = await result;
    expect(summary(done.steps)).toEqual(['a:network:network_error:race', 'b:server_error:upstream_server_error:race', 'c:ok::']);
  });

  it('race: a leg whose call refuses synchronously is a failed leg, not a hang', async () => {
    const { resilience } = setup();
    const call = (id: string): Promise<string> => {
      if (id === 'b') throw new GatewayError('total_timeout', 'no time left');
      return Promise.reject(new GatewayError('network_error', 'reset'));
    };
    const error = await runResilientAttempts({ resilience, candidates: ['a', 'b'], call, spread: { kind: 'race', n: 2 } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AttemptsFailedError);
    expect(summary((error as AttemptsFailedError).steps)).toEqual(['a:network:network_error:race', 'b:timeout:total_timeout:race']);
  });

  it('race: a leg that answers after losing is discarded', async () => {
    const { resilience } = setup();
    const discarded: string[] = [];
    const pending = new Map<string, (value: string) => void>();
    // This upstream ignores the abort: its answer still arrives and must be closed.
    const call = (id: string) => new Promise<string>((resolve) => pending.set(id, resolve));
    const result = runResilientAttempts({ resilience, candidates: ['a', 'b'], call, spread: { kind: 'race', n: 2 }, discard: (value) => discarded.push(value) });
    await flush();
    pending.get('b')?.('from b');
    expect((await result).deploymentId).toBe('b');
    pending.get('a')?.('late a');
    await flush();
    expect(discarded).toEqual(['late a']);
  });

  it('race: the client going away aborts every leg and fails with client_closed', async () => {
    const { resilience } = setup();
    const { call, leg } = manualCalls();
    const controller = new AbortController();
    const result = runResilientAttempts({ resilience, candidates: ['a', 'b'], call, signal: controller.signal, spread: { kind: 'race', n: 2 } }).then(
      () => undefined,
      (error: unknown) => error,
    );
    await flush();
    controller.abort();
    const error = await result;
    expect(error).toBeInstanceOf(AttemptsFailedError);
    expect((error as AttemptsFailedError).error.code).toBe('client_closed');
    expect(leg('a').signal.aborted && leg('b').signal.aborted).toBe(true);
    // A client that left says nothing about either deployment.
    for (const id of ['a', 'b']) {
      expect(resilience.liveStats(id).inFlight).toBe(0);
      expect(resilience.liveStats(id).errorRate ?? 0).toBe(0);
    }
  });
});
