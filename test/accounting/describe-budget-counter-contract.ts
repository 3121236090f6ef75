import { describe, expect, it } from 'vitest';
import type { BudgetCounter } from '../../src/accounting/index.js';

/**
 * What every BudgetCounter must do (the in-process one now, a Redis one for scale-out).
 * `makeCounter` returns a fresh counter with no slots.
 */
export function describeBudgetCounterContract(name: string, makeCounter: () => Promise<BudgetCounter>): void {
  describe(`BudgetCounter contract: ${name}`, () => {
    it('reserves all or nothing and names the slot that did not fit', async () => {
      const counter = await makeCounter();
      const charges = [{ slot: 'a', limitNanos: 100 }, { slot: 'b', limitNanos: 50 }];
      expect(await counter.tryReserve(charges, 40)).toEqual({ ok: true });
      expect(await counter.tryReserve(charges, 20)).toEqual({ ok: false, slot: 'b', usedNanos: 40, limitNanos: 50 });
      expect(await counter.read('a')).toEqual({ settledNanos: 0, reservedNanos: 40 });
      expect(await counter.read('b')).toEqual({ settledNanos: 0, reservedNanos: 40 });
      expect(await counter.tryReserve(charges, 10)).toEqual({ ok: true });
      expect(await counter.tryReserve([], 1e12)).toEqual({ ok: true });
    });

    it('settles into spend, releases, and never lets reservations go negative', async () => {
      const counter = await makeCounter();
      await counter.tryReserve([{ slot: 's', limitNanos: 1000 }], 600);
      await counter.settle(['s'], 600, 250);
      expect(await counter.read('s')).toEqual({ settledNanos: 250, reservedNanos: 0 });
      await counter.tryReserve([{ slot: 's', limitNanos: 1000 }], 750);
      expect(await counter.tryReserve([{ slot: 's', limitNanos: 1000 }], 1)).toMatchObject({ ok: false, usedNanos: 1000 });
      await counter.release(['s'], 750);
      await counter.release(['s'], 750);
      expect(await counter.read('s')).toEqual({ settledNanos: 250, reservedNanos: 0 });
    });

    it('initialises a slot only once', async () => {
      const counter = await makeCounter();
      expect(await counter.initialise('s', 500)).toBe(true);
      expect(await counter.initialise('s', 900)).toBe(false);
      expect(await counter.read('s')).toEqual({ settledNanos: 500, reservedNanos: 0 });
      expect(await counter.read('unknown')).toEqual({ settledNanos: 0, reservedNanos: 0 });
    });

    it('never over-reserves under concurrent calls', async () => {
      const counter = await makeCounter();
      const results = await Promise.all(Array.from({ length: 300 }, () => counter.tryReserve([{ slot: 's', limitNanos: 1000 }], 7)));
      expect(results.filter((r) => r.ok)).toHaveLength(Math.floor(1000 / 7));
      expect((await counter.read('s')).reservedNanos).toBe(Math.floor(1000 / 7) * 7);
    });
  });
}
