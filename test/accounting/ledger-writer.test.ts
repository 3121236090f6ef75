import { afterEach, describe, expect, it, vi } from 'vitest';
import { LedgerWriter } from '../../src/accounting/index.js';
import { MemoryLedgerStore } from '../../src/state/memory-ledger-store.js';
import type { LedgerEntry } from '../../src/state/index.js';
import { ledgerEntry } from '../state/describe-store-contract.js';

/** A ledger store whose commits the test releases by hand, recording each transaction. */
class GatedLedgerStore extends MemoryLedgerStore {
  readonly transactions: string[][] = [];
  private gates: Array<{ open: () => void; fail: (e: Error) => void }> = [];
  gated = true;

  override async appendEntries(entries: readonly LedgerEntry[]): Promise<void> {
    this.transactions.push(entries.map((e) => e.id));
    if (this.gated) {
      await new Promise<void>((open, fail) => this.gates.push({ open, fail }));
    }
    await super.appendEntries(entries);
  }

  commit(): void {
    this.gates.shift()?.open();
  }

  failNext(): void {
    this.gates.shift()?.fail(new Error('disk full'));
  }

  async waitForTransactions(n: number): Promise<void> {
    await vi.waitFor(() => expect(this.transactions.length).toBeGreaterThanOrEqual(n));
  }
}

let writer: LedgerWriter | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await writer?.close().catch(() => {});
  writer = undefined;
});

describe('LedgerWriter', () => {
  it('group-commits entries from concurrent requests in one transaction and resolves only after it commits', async () => {
    const store = new GatedLedgerStore();
    writer = new LedgerWriter({ store });
    let resolved = 0;
    const waits = Array.from({ length: 20 }, (_, i) => writer!.recordDurably(ledgerEntry({ id: `r${i}` })).then(() => resolved++));
    await store.waitForTransactions(1);
    expect(store.transactions).toEqual([Array.from({ length: 20 }, (_, i) => `r${i}`)]);
    await new Promise((r) => setTimeout(r, 20));
    expect(resolved).toBe(0);
    expect(await store.countEntries()).toBe(0);
    store.commit();
    await Promise.all(waits);
    expect(resolved).toBe(20);
    expect(await store.countEntries()).toBe(20);
  });

  it('gathers entries queued during a commit into the next transaction', async () => {
    const store = new GatedLedgerStore();
    writer = new LedgerWriter({ store });
    const first = writer.recordDurably(ledgerEntry({ id: 'a' }));
    await store.waitForTransactions(1);
    const later = [writer.recordDurably(ledgerEntry({ id: 'b' })), writer.recordDurably(ledgerEntry({ id: 'c' }))];
    writer.record(ledgerEntry({ id: 'bg' }));
    store.commit();
    await first;
    await store.waitForTransactions(2);
    expect(store.transactions[1]).toEqual(['b', 'c', 'bg']);
    store.commit();
    await Promise.all(later);
  });

  it('writes background entries after the flush interval, in batches of at most maxBatchSize', async () => {
    vi.useFakeTimers();
    const store = new GatedLedgerStore();
    store.gated = false;
    writer = new LedgerWriter({ store, flushIntervalMs: 50, maxBatchSize: 3 });
    writer.record(ledgerEntry({ id: 'a' }), ledgerEntry({ id: 'b' }));
    await vi.advanceTimersByTimeAsync(49);
    expect(store.transactions).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(store.transactions).toEqual([['a', 'b']]);
    writer.record(...['c', 'd', 'e', 'f', 'g'].map((id) => ledgerEntry({ id })));
    await vi.advanceTimersByTimeAsync(0);
    // A full batch goes at once; the remainder waits for the interval.
    expect(store.transactions.slice(1)).toEqual([['c', 'd', 'e']]);
    await vi.advanceTimersByTimeAsync(50);
    expect(store.transactions.slice(1)).toEqual([['c', 'd', 'e'], ['f', 'g']]);
  });

  it('rejects durable waiters with `unavailable` when a commit fails, and retries the entries', async () => {
    const store = new GatedLedgerStore();
    writer = new LedgerWriter({ store, flushIntervalMs: 10 });
    const wait = writer.recordDurably(ledgerEntry({ id: 'a' }));
    await store.waitForTransactions(1);
    store.failNext();
    await expect(wait).rejects.toMatchObject({ code: 'unavailable', status: 503 });
    await store.waitForTransactions(2);
    expect(store.transactions[1]).toEqual(['a']);
    store.commit();
    await vi.waitFor(async () => expect(await store.countEntries()).toBe(1));
    expect(writer.stats()).toMatchObject({ failures: 1, queued: 0 });
  });

  it('flushes on close and refuses entries afterwards', async () => {
    const store = new GatedLedgerStore();
    store.gated = false;
    const w = new LedgerWriter({ store, flushIntervalMs: 10_000 });
    w.record(ledgerEntry({ id: 'a' }));
    await w.close();
    expect(await store.countEntries()).toBe(1);
    expect(() => w.record(ledgerEntry({ id: 'b' }))).toThrow(/closed/);
  });
});
