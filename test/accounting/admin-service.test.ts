import { describe, expect, it } from 'vitest';
import { Accounting, verifyAdminAuthorization } from '../../src/accounting/index.js';
import { MemoryStore } from '../../src/state/index.js';
import { ledgerEntry } from '../state/describe-store-contract.js';

const NOW = Date.UTC(2026, 10, 25, 12);

async function setup() {
  const store = new MemoryStore();
  const accounting = await Accounting.open({ store, clock: () => NOW, anomaly: false });
  return { admin: accounting.admin, accounting, store };
}

describe('AdminService', () => {
  it('creates a key (plaintext once), lists it without secrets, revokes it', async () => {
    const { admin, accounting } = await setup();
    const created = await admin.createKey({
      owner: 'ana', team: 'search', name: 'ci', allowed_models: ['m/a'], rate_limits: { rpm: 60 },
      metadata: { env: 'prod' }, expires_at: '2027-01-01',
    });
    expect(created.key).toMatch(/^sk-sy-/);
    expect(created).toMatchObject({
      owner: 'ana', team: 'search', name: 'ci', allowed_models: ['m/a'], rate_limits: { rpm: 60 }, metadata: { env: 'prod' },
      status: 'active', expires_at: '2027-01-01T00:00:00.000Z', revoked_at: null, created_at: new Date(NOW).toISOString(),
    });
    const listed = await admin.listKeys({});
    expect(listed.data).toHaveLength(1);
    expect(listed.data[0]).not.toHaveProperty('key');
    expect(JSON.stringify(listed)).not.toContain(created.key);
    expect((await admin.revokeKey(created.id)).status).toBe('revoked');
    expect((await admin.listKeys({})).data).toHaveLength(0);
    expect((await admin.listKeys({ include_revoked: 'true' })).data).toHaveLength(1);
    await expect(accounting.keys.authenticate(`Bearer ${created.key}`)).rejects.toMatchObject({ status: 401 });
    await expect(admin.revokeKey('key_nope')).rejects.toMatchObject({ code: 'not_found', status: 404 });
  });

  it.each([
    [{}, 'owner'],
    [{ owner: 'a', extra: 1 }, undefined],
    [{ owner: 'a', rate_limits: { rpm: -1 } }, 'rate_limits.rpm'],
    [{ owner: 'a', expires_at: 'tomorrow' }, 'expires_at'],
    [{ owner: 'a', expires_at: 1 }, 'expires_at'],
  ])('refuses bad key input %j with invalid_request', async (body, param) => {
    const { admin } = await setup();
    const error = await admin.createKey(body).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid_request', status: 400 });
    if (param !== undefined) expect(error).toMatchObject({ param });
  });

  it('sets, reads and deletes budgets', async () => {
    const { admin } = await setup();
    const key = await admin.createKey({ owner: 'ana' });
    const view = await admin.setBudget({ scope: 'key', scope_id: key.id, period: 'month', limit_usd: 25, alert_thresholds: [0.9, 0.5] });
    expect(view).toMatchObject({
      id: `key:${key.id}:month`, limit_usd: 25, alert_thresholds: [0.5, 0.9], period_start: '2026-11-01T00:00:00.000Z',
      resets_at: '2026-12-01T00:00:00.000Z', spent_usd: 0, remaining_usd: 25, remaining_share: 1,
    });
    await admin.setBudget({ scope: 'global', period: 'total', limit_usd: 100 });
    expect((await admin.getBudgets({})).data.map((b) => b.id)).toEqual([`global:*:total`, `key:${key.id}:month`]);
    expect((await admin.getBudgets({ scope: 'key' })).data).toHaveLength(1);
    await expect(admin.setBudget({ scope: 'team', period: 'day', limit_usd: 1 })).rejects.toMatchObject({ param: 'scope_id' });
    await expect(admin.setBudget({ scope: 'key', scope_id: 'key_nope', period: 'day', limit_usd: 1 })).rejects.toMatchObject({ status: 404 });
    await expect(admin.setBudget({ scope: 'global', period: 'year', limit_usd: 1 })).rejects.toMatchObject({ param: 'period' });
    expect(await admin.deleteBudget('global:*:total')).toEqual({ id: 'global:*:total', deleted: true });
    await expect(admin.deleteBudget('global:*:total')).rejects.toMatchObject({ status: 404 });
  });

  it('reports spend grouped as asked over a range', async () => {
    const { admin, store } = await setup();
    await store.ledger.appendEntries([
      ledgerEntry({ id: 'a', keyId: 'k1', costUsd: 0.25, startedAt: NOW - 86_400_000 }),
      ledgerEntry({ id: 'b', keyId: 'k2', costUsd: 0.5, startedAt: NOW - 1000 }),
      ledgerEntry({ id: 'old', keyId: 'k2', costUsd: 9, startedAt: NOW - 40 * 86_400_000 }),
    ]);
    const byKey = await admin.spendReport({ group_by: 'key' });
    expect(byKey).toMatchObject({ group_by: 'key', total_usd: 0.75, to: new Date(NOW).toISOString() });
    expect(byKey.data.map((r) => [r.group, r.cost_usd])).toEqual([['k2', 0.5], ['k1', 0.25]]);
    const byDay = await admin.spendReport({ group_by: 'day', from: '2026-10-01', to: '2026-11-25T00:00:00Z' });
    expect(byDay.data.map((r) => r.group)).toEqual(['2026-10-16', '2026-11-24']);
    await expect(admin.spendReport({ group_by: 'model' })).rejects.toMatchObject({ param: 'group_by' });
    await expect(admin.spendReport({ group_by: 'key', from: '2026-11-25', to: '2026-11-01' })).rejects.toMatchObject({ param: 'from' });
  });
});

describe('verifyAdminAuthorization', () => {
  it('accepts the master key and refuses anything else with 401', () => {
    expect(() => verifyAdminAuthorization('Bearer master-123', 'master-123')).not.toThrow();
    expect(() => verifyAdminAuthorization(undefined, 'master-123')).toThrow(/Missing admin key/);
    expect(() => verifyAdminAuthorization('Bearer master-12', 'master-123')).toThrow(/Invalid admin key/);
    expect(() => verifyAdminAuthorization('Bearer x', '')).toThrow(/Invalid admin key/);
  });
});
