import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Accounting, BudgetExceededError, MemoryBudgetCounter, type Principal } from '../../src/accounting/index.js';
import { SqliteStore, usdToNanos, type LedgerEntry } from '../../src/state/index.js';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-budget-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Deterministic PRNG (mulberry32) so that a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('budget reservations under concurrency', () => {
  it('holds a $1.00 budget across 500 concurrent reserve/settle cycles, streamed and not', async () => {
    const rand = random(4);
    const counter = new MemoryBudgetCounter();
    const accounting = await Accounting.open({ store: await SqliteStore.open({ dataDir: dir, synchronous: 'NORMAL' }), counter, anomaly: false });
    await accounting.budgets.setBudget({ scope: 'global', period: 'month', limitUsd: 1 });
    const principals: Principal[] = [
      { keyId: 'k1', owner: 'ana', team: 'search' },
      { keyId: 'k2', owner: 'bo', team: 'search' },
      { keyId: 'k3', owner: 'cy' },
    ];
    let estimated = 0;
    const outcomes = await Promise.all(
      Array.from({ length: 500 }, async (_, i) => {
        const principal = principals[i % principals.length] as Principal;
        const estimate = 0.005 + rand() * 0.05;
        estimated += estimate;
        const streamed = i % 2 === 0;
        const plan = rand();
        const delay = rand() * 20;
        const actualShare = rand();
        // Arrivals spread over 300 ms, so that capacity freed by settlements is reserved again.
        await sleep(rand() * 300);
        const requestId = `req-${i}`;
        let reservation;
        try {
          reservation = await accounting.budgets.reserve({ principal, amountUsd: estimate, requestId });
        } catch (error) {
          return { kind: 'refused' as const, error };
        }
        await sleep(delay);
        if (plan < 0.1) {
          // The upstream call failed before any token: nothing spent.
          await accounting.budgets.release(reservation);
          return { kind: 'released' as const };
        }
        // A streamed answer cut midway settles what was generated up to the cut.
        const actual = estimate * (streamed && plan < 0.2 ? actualShare / 2 : actualShare);
        await accounting.budgets.settle(reservation, actual);
        const entry: LedgerEntry = {
          id: requestId, kind: 'request', requestId, keyId: principal.keyId, deploymentId: 'sim/model',
          inputTokens: 100, outputTokens: 100, cachedInputTokens: 0, costUsd: actual, latencyMs: delay, outcome: 'ok',
          cacheHit: false, streamed, startedAt: reservation.createdAt, endedAt: reservation.createdAt + 1,
          ...(principal.team === undefined ? {} : { team: principal.team }),
        };
        await accounting.ledger.recordDurably(entry);
        return { kind: 'settled' as const, actual };
      }),
    );

    const settled = outcomes.filter((o) => o.kind === 'settled');
    const refused = outcomes.filter((o) => o.kind === 'refused');
    const released = outcomes.filter((o) => o.kind === 'released');
    const [status] = await accounting.budgets.getBudgets();
    const ledgerSpend = (await accounting.store.ledger.spendByScope(0)).find((s) => s.scope === 'global')?.costUsd ?? 0;
    const settledNanos = settled.reduce((sum, o) => sum + usdToNanos(o.actual), 0);

    expect(estimated).toBeGreaterThan(10);
    expect(refused.length).toBeGreaterThan(100);
    expect(settled.length).toBeGreaterThan(20);
    for (const o of refused) {
      expect(o.error).toBeInstanceOf(BudgetExceededError);
      expect(o.error).toMatchObject({ code: 'budget_exceeded', status: 429 });
    }
    expect(status?.spentUsd).toBeLessThanOrEqual(1);
    expect(usdToNanos(status?.spentUsd ?? NaN)).toBe(settledNanos);
    expect(usdToNanos(ledgerSpend)).toBe(settledNanos);
    expect(status?.reservedUsd).toBe(0);
    expect(counter.totalReservedNanos()).toBe(0);
    expect(accounting.budgets.outstandingReservations().count).toBe(0);
    console.info(
      `budget concurrency: 500 requests, estimated $${estimated.toFixed(2)}; accepted ${settled.length + released.length} ` +
        `(settled ${settled.length}, released ${released.length}), refused ${refused.length} (all 429 budget_exceeded); ` +
        `settled spend $${status?.spentUsd.toFixed(6)} of $1.00, overshoot $${Math.max(0, (status?.spentUsd ?? 0) - 1).toFixed(6)}; ` +
        `ledger batches ${accounting.ledger.stats().batches} for ${accounting.ledger.stats().entries} entries`,
    );
    await accounting.close();

    // A restart rebuilds the same spend from the ledger, with nothing reserved.
    const reopened = await Accounting.open({ store: await SqliteStore.open({ dataDir: dir }), anomaly: false });
    const [after] = await reopened.budgets.getBudgets();
    expect(usdToNanos(after?.spentUsd ?? NaN)).toBe(settledNanos);
    expect(after?.reservedUsd).toBe(0);
    await reopened.close();
  });
});
