import { describe, expect, it } from 'vitest';
import { ConcurrencyLimiter } from './concurrency-limiter.js';
import { LeasedConcurrencyGate, type ConcurrencyLeases } from './leased-concurrency-gate.js';

/** Cluster-wide slots as another process would see them: `taken` of `limit`. */
class FakeLeases implements ConcurrencyLeases {
  taken = 0;
  constructor(private readonly limit: number) {}
  async tryAcquire(): Promise<(() => void) | undefined> {
    if (this.taken >= this.limit) return undefined;
    this.taken += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.taken -= 1;
    };
  }
}

describe('LeasedConcurrencyGate', () => {
  const local = (): ConcurrencyLimiter => new ConcurrencyLimiter({ limitFor: () => ({ maxConcurrent: 2, maxQueue: 4 }) });

  it('takes a cluster lease with each local slot and gives both back once', async () => {
    const leases = new FakeLeases(2);
    const gate = new LeasedConcurrencyGate(local(), leases);
    const release = await gate.acquire('d');
    expect([leases.taken, gate.inFlight('d')]).toEqual([1, 1]);
    release();
    release();
    expect([leases.taken, gate.inFlight('d')]).toEqual([0, 0]);
  });

  it('sheds with queue_full when other processes hold every lease, freeing the local slot', async () => {
    const leases = new FakeLeases(2);
    leases.taken = 2;
    const gate = new LeasedConcurrencyGate(local(), leases);
    await expect(gate.acquire('d')).rejects.toMatchObject({ code: 'queue_full', status: 429 });
    expect(gate.inFlight('d')).toBe(0);
  });

  it('queues locally as without shared state: a waiter gets the slot and a lease when one is released', async () => {
    const leases = new FakeLeases(5);
    const gate = new LeasedConcurrencyGate(local(), leases);
    const first = await gate.acquire('d');
    await gate.acquire('d');
    const waiting = gate.acquire('d');
    expect(gate.queued('d')).toBe(1);
    first();
    await waiting;
    expect([leases.taken, gate.inFlight('d')]).toEqual([2, 2]);
  });

  it('tells queue listeners (the queue gauge) of the local queue, as the local gate does', async () => {
    const gate = new LeasedConcurrencyGate(local(), new FakeLeases(5));
    const lengths: Array<[string, number]> = [];
    const unsubscribe = gate.onQueueChange?.((key, queued) => lengths.push([key, queued]));
    expect(unsubscribe).toBeTypeOf('function');
    const first = await gate.acquire('d');
    await gate.acquire('d');
    const waiting = gate.acquire('d');
    first();
    await waiting;
    expect(lengths).toEqual([
      ['d', 1],
      ['d', 0],
    ]);
    unsubscribe?.();
    const second = gate.acquire('d');
    expect(lengths).toHaveLength(2);
    void second;
  });
});
