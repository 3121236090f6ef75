import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { GLOBAL_SCOPE_ID, SQLITE_FILENAME, SqliteStore, budgetId } from '../../src/state/index.js';
import { describeStoreContract, ledgerEntry } from './describe-store-contract.js';

const root = mkdtempSync(join(tmpdir(), 'switchyard-sqlite-'));
let n = 0;
const freshDir = (): string => join(root, `store-${++n}`, 'nested');

afterAll(() => rmSync(root, { recursive: true, force: true }));

describeStoreContract('sqlite (NORMAL, WAL synced after ledger batches)', () => SqliteStore.open({ dataDir: freshDir() }));
describeStoreContract('sqlite (FULL)', () => SqliteStore.open({ dataDir: freshDir(), synchronous: 'FULL' }));

describe('SqliteStore', () => {
  it('creates the data directory, uses WAL and records migrations', async () => {
    const dir = freshDir();
    const store = await SqliteStore.open({ dataDir: dir });
    expect(existsSync(join(dir, SQLITE_FILENAME))).toBe(true);
    expect(await store.schemaVersions()).toEqual([1]);
    await store.close();
    const db = new Database(join(dir, SQLITE_FILENAME), { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('syncs the WAL after ledger batches, sharing one sync between concurrent batches', async () => {
    const store = await SqliteStore.open({ dataDir: freshDir() });
    const { WalSyncer } = await import('../../src/state/wal-syncer.js');
    const datasync = vi.spyOn(WalSyncer.prototype as unknown as { datasync: () => Promise<void> }, 'datasync');
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.ledger.appendEntries([ledgerEntry({ id: `r${i}` })])));
    expect(datasync.mock.calls.length).toBeGreaterThanOrEqual(1);
    expect(datasync.mock.calls.length).toBeLessThanOrEqual(2);
    datasync.mockRestore();
    await store.close();
  });

  it('keeps keys, budgets, spend and alert state across close and reopen', async () => {
    const dir = freshDir();
    const first = await SqliteStore.open({ dataDir: dir });
    await first.keys.insertKey({ id: 'k1', hash: 'h1', prefix: 'sk-sy-ab', owner: 'ana', team: 't', createdAt: 1 });
    await first.keys.revokeKey('k1', 5);
    const id = budgetId('global', GLOBAL_SCOPE_ID, 'total');
    await first.budgets.putBudget({ id, scope: 'global', scopeId: GLOBAL_SCOPE_ID, period: 'total', limitUsd: 3, createdAt: 1, updatedAt: 1 });
    await first.ledger.appendEntries([ledgerEntry({ id: 'r1', keyId: 'k1', team: 't', costUsd: 0.25 })]);
    await first.alerts.markAlertFired('a', 1);
    await first.close();

    const second = await SqliteStore.open({ dataDir: dir });
    expect(await second.keys.getKey('k1')).toMatchObject({ owner: 'ana', revokedAt: 5 });
    expect((await second.budgets.listBudgets())[0]).toMatchObject({ id, limitUsd: 3 });
    expect(await second.ledger.spendByScope(0)).toContainEqual({ scope: 'key', scopeId: 'k1', costUsd: 0.25 });
    expect(await second.alerts.markAlertFired('a', 2)).toBe(false);
    expect(await second.schemaVersions()).toEqual([1]);
    await second.close();
  });

  it('fails with a typed error when the data directory cannot be created', async () => {
    const dir = freshDir();
    const blocker = join(dir, '..', 'file');
    const store = await SqliteStore.open({ dataDir: join(dir, '..') });
    await store.close();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(blocker, 'x');
    await expect(SqliteStore.open({ dataDir: join(blocker, 'sub') })).rejects.toMatchObject({ code: 'unavailable', status: 503 });
  });
});
