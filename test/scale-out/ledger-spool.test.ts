import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryStore, SpoolingLedgerStore, type LedgerEntry, type LedgerStore } from '../../src/state/index.js';
import { PostgresStore } from '../../src/state/postgres/index.js';
import { ledgerEntry } from '../state/describe-store-contract.js';
import { DATABASE_URL, requireService } from '../support/require-service.js';
import { TcpProxy } from './tcp-proxy.js';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-spool-'));
let n = 0;
const spoolPath = (): string => join(dir, `ledger-${++n}.spool`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A ledger that fails while `down` is set. */
class FlakyLedger implements LedgerStore {
  down = false;
  readonly store = new MemoryStore().ledger;
  async appendEntries(entries: readonly LedgerEntry[]): Promise<void> {
    if (this.down) throw new Error('connect ECONNREFUSED');
    await this.store.appendEntries(entries);
  }
  spendByScope = (from: number) => this.store.spendByScope(from);
  spendReport = this.store.spendReport.bind(this.store);
  listEntries = this.store.listEntries.bind(this.store);
  countEntries = () => this.store.countEntries();
}

describe('SpoolingLedgerStore', () => {
  it('spools batches the database refuses, in order, and replays them once it answers', async () => {
    const inner = new FlakyLedger();
    const events: string[] = [];
    const path = spoolPath();
    const ledger = await SpoolingLedgerStore.open({ inner, spoolPath: path, retryIntervalMs: 60_000, onDegraded: (c) => events.push(`down:${c}`), onRecovered: (c) => events.push(`up:${c}`) });
    await ledger.appendEntries([ledgerEntry({ id: 'a' })]);
    inner.down = true;
    await ledger.appendEntries([ledgerEntry({ id: 'b' }), ledgerEntry({ id: 'c' })]);
    inner.down = false;
    // Still spooling: a later batch must not overtake the spooled ones.
    await ledger.appendEntries([ledgerEntry({ id: 'd' })]);
    expect(ledger.degraded).toBe(true);
    expect(readFileSync(path, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as LedgerEntry).id)).toEqual(['b', 'c', 'd']);
    expect(await ledger.flush()).toBe(true);
    expect((await inner.listEntries()).map((e) => e.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(readFileSync(path, 'utf8')).toBe('');
    expect(events).toEqual(['down:ledger', 'up:ledger']);
    await ledger.close();
  });

  it('replays what an earlier run left, skipping a torn last line and ids already stored', async () => {
    const inner = new FlakyLedger();
    await inner.appendEntries([ledgerEntry({ id: 'x' })]);
    const path = spoolPath();
    writeFileSync(path, `${JSON.stringify(ledgerEntry({ id: 'x' }))}\n${JSON.stringify(ledgerEntry({ id: 'y' }))}\n{"id":"to`);
    const ledger = await SpoolingLedgerStore.open({ inner, spoolPath: path });
    expect(ledger.degraded).toBe(true);
    await expect.poll(() => ledger.degraded, { timeout: 5000, interval: 20 }).toBe(false);
    expect((await inner.listEntries()).map((e) => e.id)).toEqual(['x', 'y']);
    await ledger.close();
  });
});

const postgres = await requireService('postgres');

describe.skipIf(postgres.skip)('SpoolingLedgerStore over Postgres', () => {
  it('finds every ledger row after Postgres was cut off mid-load', async () => {
    const schema = `sy_test_${randomBytes(4).toString('hex')}_spool`;
    const proxy = TcpProxy.forUrl(DATABASE_URL, 5432);
    await proxy.start();
    const store = await PostgresStore.open({ connectionString: proxy.url(DATABASE_URL), schema, maxConnections: 4, connectTimeoutMs: 500 });
    const events: string[] = [];
    const ledger = await SpoolingLedgerStore.open({
      inner: store.ledger, spoolPath: spoolPath(), retryIntervalMs: 100,
      onDegraded: (c) => events.push(`down:${c}`), onRecovered: (c) => events.push(`up:${c}`),
    });
    try {
      const ids: string[] = [];
      const write = async (batch: number): Promise<void> => {
        const entries = Array.from({ length: 10 }, (_, i) => ledgerEntry({ id: `r${batch}-${i}`, keyId: 'k', costUsd: 0.001 }));
        ids.push(...entries.map((e) => e.id));
        await ledger.appendEntries(entries);
      };
      for (let b = 0; b < 10; b += 1) await write(b);
      await proxy.stop();
      // Every batch during the outage resolves: it is on local disk.
      await Promise.all(Array.from({ length: 20 }, (_, b) => write(10 + b)));
      expect(ledger.degraded).toBe(true);
      await proxy.start();
      for (let b = 30; b < 40; b += 1) await write(b);
      await expect.poll(() => ledger.degraded, { timeout: 15_000, interval: 50 }).toBe(false);
      const stored = new Set((await store.ledger.listEntries()).map((e) => e.id));
      expect(ids.filter((id) => !stored.has(id))).toEqual([]);
      expect(await store.ledger.countEntries()).toBe(400);
      expect((await store.ledger.spendByScope(0)).find((s) => s.scope === 'key')?.costUsd).toBeCloseTo(0.4, 9);
      expect(events).toEqual(['down:ledger', 'up:ledger']);
    } finally {
      await ledger.close();
      await store.close();
      await proxy.stop();
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  }, 30_000);
});
