import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Accounting } from '../../src/accounting/index.js';
import { SqliteStore } from '../../src/state/index.js';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-restart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Accounting across a restart (SQLite)', () => {
  it('keeps keys, revocations, budgets and spend; reservations in flight are gone', async () => {
    const open = async () => Accounting.open({ store: await SqliteStore.open({ dataDir: dir }), anomaly: false });
    const first = await open();
    const kept = await first.keys.createKey({ owner: 'ana', team: 'search' });
    const revoked = await first.keys.createKey({ owner: 'bo' });
    await first.keys.revokeKey(revoked.info.id);
    await first.budgets.setBudget({ scope: 'team', scopeId: 'search', period: 'month', limitUsd: 2 });
    const principal = await first.keys.authenticate(`Bearer ${kept.key}`);
    const done = await first.budgets.reserve({ principal, amountUsd: 1, requestId: 'r1' });
    await first.budgets.settle(done, 0.75);
    await first.ledger.recordDurably({
      id: 'r1', kind: 'request', requestId: 'r1', keyId: principal.keyId, team: 'search', inputTokens: 10, outputTokens: 10,
      cachedInputTokens: 0, costUsd: 0.75, latencyMs: 5, outcome: 'ok', cacheHit: false, streamed: true,
      startedAt: done.createdAt, endedAt: done.createdAt + 5,
    });
    await first.budgets.reserve({ principal, amountUsd: 1, requestId: 'in-flight' });
    expect((await first.budgets.getBudgets())[0]).toMatchObject({ spentUsd: 0.75, reservedUsd: 1 });
    await first.close();

    const second = await open();
    expect(await second.keys.authenticate(`Bearer ${kept.key}`)).toEqual(principal);
    await expect(second.keys.authenticate(`Bearer ${revoked.key}`)).rejects.toMatchObject({ status: 401, message: expect.stringMatching(/^Revoked/) });
    expect((await second.budgets.getBudgets())[0]).toMatchObject({ budget: { id: 'team:search:month', limitUsd: 2 }, spentUsd: 0.75, reservedUsd: 0 });
    expect((await second.admin.spendReport({ group_by: 'team' })).data).toEqual([
      { group: 'search', cost_usd: 0.75, count: 1, input_tokens: 10, output_tokens: 10, cached_input_tokens: 0 },
    ]);
    await second.close();
  });
});
