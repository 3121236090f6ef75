import { describe, expect, it } from 'vitest';
import { BudgetExceededError, BudgetService, MemoryBudgetCounter, type Principal } from '../../src/accounting/index.js';
import { MemoryStore } from '../../src/state/index.js';
import { ledgerEntry } from '../state/describe-store-contract.js';

const T0 = Date.UTC(2026, 10, 25, 10);
const ana: Principal = { keyId: 'k1', owner: 'ana', team: 'search' };

async function setup(store = new MemoryStore()) {
  let now = T0;
  const counter = new MemoryBudgetCounter();
  const budgets = new BudgetService({ budgets: store.budgets, ledger: store.ledger, counter, clock: () => now });
  await budgets.load();
  return { budgets, counter, store, setNow: (ms: number) => (now = ms) };
}

describe('BudgetService', () => {
  it('reserves in every applicable budget and refuses, naming the budget, when one does not fit', async () => {
    const { budgets, counter } = await setup();
    await budgets.setBudget({ scope: 'global', period: 'month', limitUsd: 10 });
    await budgets.setBudget({ scope: 'team', scopeId: 'search', period: 'day', limitUsd: 1 });
    await budgets.setBudget({ scope: 'key', scopeId: 'k1', period: 'total', limitUsd: 5 });
    const r = await budgets.reserve({ principal: ana, amountUsd: 0.6, requestId: 'r1' });
    expect(r.budgetIds.sort()).toEqual(['global:*:month', 'key:k1:total', 'team:search:day']);
    const error = await budgets.reserve({ principal: ana, amountUsd: 0.5, requestId: 'r2' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect(error).toMatchObject({ code: 'budget_exceeded', status: 429, budgetId: 'team:search:day' });
    expect((error as Error).message).toMatch(/team "search" daily budget of \$1\.00 has \$0\.400000 left/);
    // All or nothing: the refused request held nothing anywhere.
    expect(counter.totalReservedNanos()).toBe(3 * 600_000_000);
    // Someone outside the team only meets the global budget.
    const bo: Principal = { keyId: 'k2', owner: 'bo' };
    await budgets.reserve({ principal: bo, amountUsd: 2, requestId: 'r3' });
  });

  it('settles the actual cost, frees the rest, and ignores a second settle or release', async () => {
    const { budgets, counter } = await setup();
    await budgets.setBudget({ scope: 'global', period: 'day', limitUsd: 1 });
    const r = await budgets.reserve({ principal: ana, amountUsd: 0.9, requestId: 'r1' });
    expect(await budgets.remainingShare(ana)).toBeCloseTo(0.1, 9);
    expect(await budgets.settle(r, 0.25)).toBe(true);
    expect(await budgets.settle(r, 0.25)).toBe(false);
    expect(await budgets.release(r)).toBe(false);
    const [status] = await budgets.getBudgets();
    expect(status).toMatchObject({ spentUsd: 0.25, reservedUsd: 0, remainingUsd: 0.75, remainingShare: 0.75 });
    const r2 = await budgets.reserve({ principal: ana, amountUsd: 0.75, requestId: 'r2' });
    expect(await budgets.release(r2)).toBe(true);
    expect(counter.totalReservedNanos()).toBe(0);
    expect(budgets.outstandingReservations()).toEqual({ count: 0, totalUsd: 0 });
  });

  it('has a remaining share of 1 without budgets and 0 when a budget is spent', async () => {
    const { budgets } = await setup();
    expect(await budgets.remainingShare(ana)).toBe(1);
    await budgets.setBudget({ scope: 'key', scopeId: 'k1', period: 'day', limitUsd: 2 });
    await budgets.setBudget({ scope: 'team', scopeId: 'search', period: 'day', limitUsd: 4 });
    await budgets.settle(await budgets.reserve({ principal: ana, amountUsd: 1.5, requestId: 'r' }), 1.5);
    expect(await budgets.remainingShare(ana)).toBeCloseTo(0.25, 9);
    expect((await budgets.tightestBudget(ana))?.budget.id).toBe('key:k1:day');
    await budgets.settle(await budgets.reserve({ principal: ana, amountUsd: 0.5, requestId: 'r' }), 0.5);
    expect(await budgets.remainingShare(ana)).toBe(0);
    await expect(budgets.reserve({ principal: ana, amountUsd: 0.000001, requestId: 'r' })).rejects.toMatchObject({ code: 'budget_exceeded' });
  });

  it('starts each period from zero in UTC', async () => {
    const { budgets, setNow } = await setup();
    await budgets.setBudget({ scope: 'global', period: 'day', limitUsd: 1 });
    await budgets.settle(await budgets.reserve({ principal: ana, amountUsd: 1, requestId: 'r' }), 1);
    await expect(budgets.reserve({ principal: ana, amountUsd: 0.1, requestId: 'r' })).rejects.toMatchObject({ status: 429 });
    setNow(Date.UTC(2026, 10, 26));
    await budgets.reserve({ principal: ana, amountUsd: 1, requestId: 'r' });
  });

  it('rebuilds spend from the ledger at load, with no reservations outstanding', async () => {
    const store = new MemoryStore();
    const first = await setup(store);
    await first.budgets.setBudget({ scope: 'team', scopeId: 'search', period: 'day', limitUsd: 1 });
    await first.budgets.setBudget({ scope: 'global', period: 'month', limitUsd: 10 });
    await first.budgets.reserve({ principal: ana, amountUsd: 0.5, requestId: 'lost-in-crash' });
    await store.ledger.appendEntries([
      ledgerEntry({ id: 'a', keyId: 'k1', team: 'search', costUsd: 0.7, startedAt: T0 - 3_600_000 }),
      ledgerEntry({ id: 'b', keyId: 'k2', costUsd: 2, startedAt: T0 - 86_400_000 }),
      ledgerEntry({ id: 'a#0', kind: 'attempt', requestId: 'a', team: 'search', costUsd: 0.7, startedAt: T0 - 3_600_000 }),
    ]);
    const second = await setup(store);
    const statuses = await second.budgets.getBudgets();
    expect(statuses.map((s) => [s.budget.id, s.spentUsd, s.reservedUsd])).toEqual([
      ['global:*:month', 2.7, 0],
      ['team:search:day', 0.7, 0],
    ]);
    expect(second.counter.totalReservedNanos()).toBe(0);
  });

  it('counts spend already in the ledger when a budget is set mid-period', async () => {
    const store = new MemoryStore();
    await store.ledger.appendEntries([ledgerEntry({ id: 'a', keyId: 'k1', team: 'search', costUsd: 0.7, startedAt: T0 })]);
    const { budgets } = await setup(store);
    const status = await budgets.setBudget({ scope: 'key', scopeId: 'k1', period: 'week', limitUsd: 1 });
    expect(status.spentUsd).toBeCloseTo(0.7, 9);
    await expect(budgets.reserve({ principal: ana, amountUsd: 0.31, requestId: 'r' })).rejects.toMatchObject({ code: 'budget_exceeded' });
  });

  it('validates budget input and deletes budgets', async () => {
    const { budgets } = await setup();
    await expect(budgets.setBudget({ scope: 'team', period: 'day', limitUsd: 1 })).rejects.toMatchObject({ code: 'invalid_request', param: 'scope_id' });
    await expect(budgets.setBudget({ scope: 'global', period: 'day', limitUsd: -1 })).rejects.toMatchObject({ code: 'invalid_request' });
    await budgets.setBudget({ scope: 'global', period: 'day', limitUsd: 0.01 });
    expect(await budgets.deleteBudget('global:*:day')).toBe(true);
    expect(await budgets.deleteBudget('global:*:day')).toBe(false);
    await budgets.reserve({ principal: ana, amountUsd: 100, requestId: 'r' });
  });
});
