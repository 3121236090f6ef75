import { describe, expect, it } from 'vitest';
import { ConcurrencyLimiter } from './concurrency-limiter.js';
import { ManualClock } from './manual-clock.js';

function limiter(maxConcurrent: number, maxQueue: number, clock = new ManualClock()) {
  return new ConcurrencyLimiter({ clock, limitFor: (key) => (key === 'free' ? undefined : { maxConcurrent, maxQueue }) });
}

describe('ConcurrencyLimiter', () => {
  it('admits up to the limit, then queues FIFO and hands slots over on release', async () => {
    const gate = limiter(2, 5);
    const a = await gate.acquire('d');
    const b = await gate.acquire('d');
    expect(gate.isSaturated('d')).toBe(true);
    expect(gate.tryAcquire('d')).toBeUndefined();
    const order: string[] = [];
    const c = gate.acquire('d').then((release) => (order.push('c'), release));
    const d = gate.acquire('d').then((release) => (order.push('d'), release));
    expect(gate.queued('d')).toBe(2);
    a();
    a(); // releasing twice is harmless
    const releaseC = await c;
    expect(order).toEqual(['c']);
    expect(gate.inFlight('d')).toBe(2);
    b();
    releaseC();
    (await d)();
    expect(order).toEqual(['c', 'd']);
    expect(gate.inFlight('d')).toBe(0);
  });

  it('sheds with a typed queue_full 429 when the queue is full', async () => {
    const gate = limiter(1, 1);
    await gate.acquire('d');
    void gate.acquire('d');
    const shed = await gate.acquire('d').catch((e: unknown) => e);
    expect(shed).toMatchObject({ code: 'queue_full', status: 429, deploymentId: 'd' });
    expect((shed as Error).message).toContain('queue (1) is full');
  });

  it('sheds a request whose estimated turn would miss its deadline', async () => {
    const clock = new ManualClock(10_000);
    const gate = limiter(2, 100, clock);
    await gate.acquire('d');
    await gate.acquire('d');
    await expect(gate.acquire('d', { deadlineAt: 10_000 + 1_500, estimatedServiceMs: 1_000 })).rejects.toMatchObject({ code: 'queue_full' });
    const fits = gate.acquire('d', { deadlineAt: 10_000 + 2_500, estimatedServiceMs: 1_000 });
    expect(gate.queued('d')).toBe(1);
    void fits;
  });

  it('a waiter whose client goes away leaves the queue', async () => {
    const gate = limiter(1, 5);
    const release = await gate.acquire('d');
    const controller = new AbortController();
    const waiting = gate.acquire('d', { signal: controller.signal });
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'client_closed' });
    expect(gate.queued('d')).toBe(0);
    release();
    expect(gate.inFlight('d')).toBe(0);
  });

  it('keys without a limit are never held', async () => {
    const gate = limiter(1, 0);
    for (let i = 0; i < 10; i += 1) await gate.acquire('free');
    expect(gate.inFlight('free')).toBe(10);
    expect(gate.isSaturated('free')).toBe(false);
  });

  it('tells listeners the queue length as requests join it, get a slot, or give up waiting', async () => {
    const gate = limiter(1, 5);
    const seen: Array<[string, number]> = [];
    const unsubscribe = gate.onQueueChange((key, queued) => seen.push([key, queued]));
    const first = await gate.acquire('d');
    const second = gate.acquire('d');
    const controller = new AbortController();
    const third = gate.acquire('d', { signal: controller.signal }).catch((e: unknown) => e);
    expect(seen).toEqual([
      ['d', 1],
      ['d', 2],
    ]);
    controller.abort();
    await third;
    first();
    (await second)();
    expect(seen).toEqual([
      ['d', 1],
      ['d', 2],
      ['d', 1],
      ['d', 0],
    ]);
    unsubscribe();
    await gate.acquire('d');
    void gate.acquire('d');
    expect(seen).toHaveLength(4);
  });
});
