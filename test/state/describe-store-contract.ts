import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerEntry, Store } from '../../src/state/index.js';
import { GLOBAL_SCOPE_ID, budgetId } from '../../src/state/index.js';

const DAY = 86_400_000;
/** 2026-11-25T10:00:00Z */
const T0 = Date.UTC(2026, 10, 25, 10);

export function ledgerEntry(overrides: Partial<LedgerEntry> & Pick<LedgerEntry, 'id'>): LedgerEntry {
  return {
    kind: 'request',
    requestId: overrides.id,
    inputTokens: 100,
    outputTokens: 50,
    cachedInputTokens: 0,
    costUsd: 0.01,
    latencyMs: 120,
    outcome: 'ok',
    cacheHit: false,
    streamed: false,
    startedAt: T0,
    endedAt: T0 + 120,
    ...overrides,
  };
}

/**
 * The behaviour every Store implementation must share. `makeStore` returns a fresh, empty,
 * migrated store; the suite closes it.
 */
export function describeStoreContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
    });

    it('inserts, finds by hash and id, and rejects duplicates', async () => {
      await store.keys.insertKey({
        id: 'k1', hash: 'h1', prefix: 'sk-sy-abcd', owner: 'ana', team: 'search', allowedModels: ['openai/gpt-4o-mini'],
        rateLimits: { rpm: 60 }, metadata: { env: 'prod' }, createdAt: T0, expiresAt: T0 + DAY, name: 'prod key',
      });
      const found = await store.keys.findKeyByHash('h1');
      expect(found).toEqual({
        id: 'k1', hash: 'h1', prefix: 'sk-sy-abcd', owner: 'ana', team: 'search', allowedModels: ['openai/gpt-4o-mini'],
        rateLimits: { rpm: 60 }, metadata: { env: 'prod' }, createdAt: T0, expiresAt: T0 + DAY, name: 'prod key',
      });
      expect(await store.keys.getKey('k1')).toEqual(found);
      expect(await store.keys.findKeyByHash('nope')).toBeUndefined();
      await expect(store.keys.insertKey({ id: 'k1', hash: 'h2', prefix: 'p', owner: 'x', createdAt: T0 })).rejects.toThrow();
      await expect(store.keys.insertKey({ id: 'k2', hash: 'h1', prefix: 'p', owner: 'x', createdAt: T0 })).rejects.toThrow();
    });

    it('lists keys by owner and team, leaving revoked keys out unless asked', async () => {
      await store.keys.insertKey({ id: 'a', hash: 'ha', prefix: 'p', owner: 'ana', team: 't1', createdAt: T0 });
      await store.keys.insertKey({ id: 'b', hash: 'hb', prefix: 'p', owner: 'bo', team: 't1', createdAt: T0 + 1 });
      await store.keys.insertKey({ id: 'c', hash: 'hc', prefix: 'p', owner: 'ana', createdAt: T0 + 2 });
      const revoked = await store.keys.revokeKey('b', T0 + 10);
      expect(revoked?.revokedAt).toBe(T0 + 10);
      expect((await store.keys.revokeKey('b', T0 + 20))?.revokedAt).toBe(T0 + 10);
      expect(await store.keys.revokeKey('missing', T0)).toBeUndefined();
      expect((await store.keys.listKeys()).map((k) => k.id)).toEqual(['a', 'c']);
      expect((await store.keys.listKeys({ includeRevoked: true })).map((k) => k.id)).toEqual(['a', 'b', 'c']);
      expect((await store.keys.listKeys({ owner: 'ana' })).map((k) => k.id)).toEqual(['a', 'c']);
      expect((await store.keys.listKeys({ team: 't1', includeRevoked: true })).map((k) => k.id)).toEqual(['a', 'b']);
    });

    it('puts, replaces, lists and deletes budgets', async () => {
      const id = budgetId('team', 'search', 'month');
      await store.budgets.putBudget({ id, scope: 'team', scopeId: 'search', period: 'month', limitUsd: 10, createdAt: T0, updatedAt: T0 });
      await store.budgets.putBudget({ id, scope: 'team', scopeId: 'search', period: 'month', limitUsd: 25, alertThresholds: [0.9], createdAt: T0, updatedAt: T0 + 5 });
      const global = budgetId('global', GLOBAL_SCOPE_ID, 'day');
      await store.budgets.putBudget({ id: global, scope: 'global', scopeId: GLOBAL_SCOPE_ID, period: 'day', limitUsd: 1, createdAt: T0, updatedAt: T0 });
      const budgets = await store.budgets.listBudgets();
      expect(budgets).toHaveLength(2);
      expect(budgets.find((b) => b.id === id)).toMatchObject({ limitUsd: 25, alertThresholds: [0.9], updatedAt: T0 + 5 });
      expect(await store.budgets.deleteBudget(global)).toBe(true);
      expect(await store.budgets.deleteBudget(global)).toBe(false);
      expect((await store.budgets.listBudgets()).map((b) => b.id)).toEqual([id]);
    });

    it('marks an alert fired once', async () => {
      expect(await store.alerts.hasAlertFired('budget:x:0.5')).toBe(false);
      expect(await store.alerts.markAlertFired('budget:x:0.5', T0)).toBe(true);
      expect(await store.alerts.markAlertFired('budget:x:0.5', T0 + 1)).toBe(false);
      expect(await store.alerts.hasAlertFired('budget:x:0.5')).toBe(true);
    });

    it('appends ledger entries once per id and lists them back intact', async () => {
      const full = ledgerEntry({
        id: 'r1', keyId: 'k1', team: 't1', deploymentId: 'openai/gpt-4o-mini', ttftMs: 40, decisionId: 'd1',
        errorCode: 'rate_limited', outcome: 'rate_limited', cacheHit: true, streamed: true, cachedInputTokens: 20,
      });
      const attempt = ledgerEntry({ id: 'r1#0', kind: 'attempt', requestId: 'r1', attempt: 0, deploymentId: 'openai/gpt-4o-mini' });
      await store.ledger.appendEntries([full, attempt]);
      await store.ledger.appendEntries([full]);
      expect(await store.ledger.countEntries()).toBe(2);
      expect(await store.ledger.listEntries({ requestId: 'r1' })).toEqual([full, attempt]);
      expect(await store.ledger.listEntries({ limit: 1 })).toHaveLength(1);
      expect(await store.ledger.spendByScope(T0)).toContainEqual({ scope: 'global', scopeId: GLOBAL_SCOPE_ID, costUsd: 0.01 });
    });

    it('sums request spend per scope from the UTC day of `from`, counting each id once', async () => {
      await store.ledger.appendEntries([
        ledgerEntry({ id: 'a', keyId: 'k1', team: 't1', costUsd: 0.1, startedAt: T0 - DAY }),
        ledgerEntry({ id: 'b', keyId: 'k1', team: 't1', costUsd: 0.2 }),
        ledgerEntry({ id: 'c', keyId: 'k2', costUsd: 0.3 }),
        ledgerEntry({ id: 'c#0', kind: 'attempt', requestId: 'c', keyId: 'k2', costUsd: 0.3 }),
      ]);
      await store.ledger.appendEntries([ledgerEntry({ id: 'b', keyId: 'k1', team: 't1', costUsd: 0.2 })]);
      // From late on T0's day still counts the whole day.
      const spend = await store.ledger.spendByScope(T0 + 13 * 3_600_000 - 1);
      const of = (scope: string, scopeId: string) => spend.find((s) => s.scope === scope && s.scopeId === scopeId)?.costUsd;
      expect(of('global', GLOBAL_SCOPE_ID)).toBeCloseTo(0.5, 9);
      expect(of('key', 'k1')).toBeCloseTo(0.2, 9);
      expect(of('key', 'k2')).toBeCloseTo(0.3, 9);
      expect(of('team', 't1')).toBeCloseTo(0.2, 9);
      const all = await store.ledger.spendByScope(0);
      expect(all.find((s) => s.scope === 'global')?.costUsd).toBeCloseTo(0.6, 9);
    });

    it('reports spend by key, team, deployment, day and hour over a range', async () => {
      await store.ledger.appendEntries([
        ledgerEntry({ id: 'a', keyId: 'k1', team: 't1', deploymentId: 'm/cheap', costUsd: 0.1, startedAt: T0 - DAY }),
        ledgerEntry({ id: 'b', keyId: 'k1', team: 't1', deploymentId: 'm/big', costUsd: 0.2, startedAt: T0 }),
        ledgerEntry({ id: 'b#0', kind: 'attempt', requestId: 'b', keyId: 'k1', deploymentId: 'm/cheap', costUsd: 0.05, startedAt: T0 }),
        ledgerEntry({ id: 'b#1', kind: 'attempt', requestId: 'b', keyId: 'k1', deploymentId: 'm/big', costUsd: 0.15, startedAt: T0 }),
        ledgerEntry({ id: 'c', keyId: 'k2', costUsd: 0.35, startedAt: T0 + 3_600_000, inputTokens: 7, outputTokens: 3 }),
        ledgerEntry({ id: 'late', keyId: 'k2', costUsd: 9, startedAt: T0 + DAY }),
      ]);
      const range = { from: T0 - DAY, to: T0 + DAY };
      const byKey = await store.ledger.spendReport({ groupBy: 'key', ...range });
      expect(byKey.map((r) => [r.group, r.count])).toEqual([['k2', 1], ['k1', 2]]);
      expect(byKey[0]).toMatchObject({ costUsd: 0.35, inputTokens: 7, outputTokens: 3 });
      expect(byKey[1]?.costUsd).toBeCloseTo(0.3, 9);
      const byTeam = await store.ledger.spendReport({ groupBy: 'team', ...range });
      expect(byTeam.map((r) => r.group)).toEqual([null, 't1']);
      const byDeployment = await store.ledger.spendReport({ groupBy: 'deployment', ...range });
      expect(byDeployment.map((r) => [r.group, r.costUsd])).toEqual([['m/big', 0.15], ['m/cheap', 0.05]]);
      const byDay = await store.ledger.spendReport({ groupBy: 'day', ...range });
      expect(byDay.map((r) => r.group)).toEqual(['2026-11-24', '2026-11-25']);
      expect(byDay[1]?.costUsd).toBeCloseTo(0.55, 9);
      const byHour = await store.ledger.spendReport({ groupBy: 'hour', from: T0, to: T0 + DAY, keyId: 'k2' });
      expect(byHour).toEqual([{ group: '2026-11-25T11', costUsd: 0.35, count: 1, inputTokens: 7, outputTokens: 3, cachedInputTokens: 0 }]);
      expect(await store.ledger.spendReport({ groupBy: 'key', ...range, team: 't1' })).toHaveLength(1);
    });

    it('migrates again without harm', async () => {
      await store.migrate();
      await store.keys.insertKey({ id: 'k', hash: 'h', prefix: 'p', owner: 'o', createdAt: T0 });
      await store.migrate();
      expect(await store.keys.getKey('k')).toBeDefined();
    });
  });
}
