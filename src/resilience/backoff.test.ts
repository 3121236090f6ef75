import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/gateway-error.js';
import { Backoff } from './backoff.js';
import { ManualClock } from './manual-clock.js';
import { sleep } from './sleep.js';

describe('Backoff', () => {
  it('grows exponentially up to the cap, with full jitter below the ceiling', () => {
    const top = new Backoff({ baseMs: 100, factor: 2, maxMs: 1_000, random: () => 0.999999 });
    expect([1, 2, 3, 4, 5, 6].map((n) => top.ceiling(n))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    expect(top.delay(3)).toBe(399);
    const bottom = new Backoff({ baseMs: 100, random: () => 0 });
    expect(bottom.delay(4)).toBe(0);
    const mid = new Backoff({ baseMs: 100, factor: 3, random: () => 0.5 });
    expect(mid.delay(2)).toBe(150);
  });

  it('honours retry-after from the error, capped', () => {
    const backoff = new Backoff({ baseMs: 100, maxRetryAfterMs: 5_000, random: () => 0.5 });
    expect(backoff.retryDelay(1, new GatewayError('rate_limited', 'slow', { retryAfterMs: 2_500 }))).toBe(2_500);
    expect(backoff.retryDelay(1, { retryAfterMs: 60_000 })).toBe(5_000);
    expect(backoff.exceedsRetryAfterCap({ retryAfterMs: 60_000 })).toBe(true);
    expect(backoff.exceedsRetryAfterCap({ retryAfterMs: 10 })).toBe(false);
    expect(backoff.retryDelay(1, new GatewayError('overloaded', 'busy'))).toBe(50);
    expect(backoff.retryDelay(2)).toBe(100);
  });

  it('rejects nonsense options', () => {
    expect(() => new Backoff({ factor: 0.5 })).toThrow(RangeError);
  });
});

describe('sleep', () => {
  it('resolves once the clock reaches the delay', async () => {
    const clock = new ManualClock();
    let done = false;
    const waiting = sleep(500, undefined, clock).then(() => (done = true));
    clock.advance(499);
    await Promise.resolve();
    expect(done).toBe(false);
    clock.advance(1);
    await waiting;
    expect(done).toBe(true);
  });

  it('rejects with client_closed and clears its timer when aborted', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const waiting = sleep(10_000, controller.signal, clock);
    expect(clock.pendingTimers).toBe(1);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'GatewayError', code: 'client_closed' });
    expect(clock.pendingTimers).toBe(0);
  });

  it('rejects with the signal reason when it is a typed error, and at once when already aborted', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    controller.abort(new GatewayError('total_timeout', 'too slow'));
    await expect(sleep(10, controller.signal, clock)).rejects.toMatchObject({ code: 'total_timeout' });
    expect(clock.pendingTimers).toBe(0);
  });
});
