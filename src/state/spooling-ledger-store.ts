import { open, readFile, type FileHandle } from 'node:fs/promises';
import type { LedgerEntry } from './ledger-entry.js';
import type { LedgerListQuery, LedgerStore, ScopeSpend, SpendReportQuery, SpendRow } from './ledger-store.js';

export interface SpoolingLedgerStoreOptions {
  /** The networked ledger (Postgres). */
  inner: LedgerStore;
  /** Append-only file that holds batches the inner store could not take. Created if absent. */
  spoolPath: string;
  /** How often to try the inner store again while entries are spooled. Default 2000 ms. */
  retryIntervalMs?: number;
  /** Entries per batch when replaying. Default 500. */
  replayBatchSize?: number;
  onDegraded?(component: string, error: unknown): void;
  onRecovered?(component: string, outageMs: number): void;
}

/**
 * A ledger that loses nothing while its database is away. A batch the inner store rejects is
 * appended to a local file as JSON lines and fdatasync'ed before `appendEntries` resolves, so an
 * acknowledged entry survives a crash too. A timer replays the file into the inner store once it
 * answers again, then empties it; entry ids make the replay idempotent, so a crash half-way
 * through a replay only repeats some inserts. While anything is spooled, new batches go to the
 * file too, keeping their order. Reads go to the inner store.
 */
export class SpoolingLedgerStore implements LedgerStore {
  private handle: FileHandle | undefined;
  /** Serialises file appends and replays. */
  private chain: Promise<unknown> = Promise.resolve();
  private spooled = false;
  private degradedAt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  private constructor(private readonly options: SpoolingLedgerStoreOptions) {}

  /** Opens the spool file; entries left there by an earlier run are replayed in the background. */
  static async open(options: SpoolingLedgerStoreOptions): Promise<SpoolingLedgerStore> {
    const store = new SpoolingLedgerStore(options);
    store.handle = await open(options.spoolPath, 'a+');
    const { size } = await store.handle.stat();
    if (size > 0) {
      // A crash mid-append can leave a torn last line; never glue the next entry onto it.
      const last = Buffer.alloc(1);
      await store.handle.read(last, 0, 1, size - 1);
      if (last.toString() !== '\n') await store.handle.appendFile('\n');
      store.spooled = true;
      store.degradedAt = Date.now();
      store.schedule(0);
    }
    return store;
  }

  /** True while entries wait in the spool file. */
  get degraded(): boolean {
    return this.spooled;
  }

  async appendEntries(entries: readonly LedgerEntry[]): Promise<void> {
    if (entries.length === 0) return;
    if (!this.spooled && (await this.tryInner(entries))) return;
    await this.serial(async () => {
      // A replay may have emptied the spool while this batch waited its turn.
      if (!this.spooled && (await this.tryInner(entries))) return;
      await this.spool(entries);
    });
  }

  /** Replays the spool now if the inner store answers; resolves whether the spool is empty. */
  async flush(): Promise<boolean> {
    await this.serial(() => this.replay());
    return !this.spooled;
  }

  spendByScope(fromMs: number): Promise<ScopeSpend[]> {
    return this.options.inner.spendByScope(fromMs);
  }

  spendReport(query: SpendReportQuery): Promise<SpendRow[]> {
    return this.options.inner.spendReport(query);
  }

  listEntries(query?: LedgerListQuery): Promise<LedgerEntry[]> {
    return this.options.inner.listEntries(query);
  }

  countEntries(): Promise<number> {
    return this.options.inner.countEntries();
  }

  /** Stops retrying and closes the file; spooled entries stay there for the next start. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.chain.catch(() => undefined);
    await this.handle?.close();
    this.handle = undefined;
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.chain.then(task, task);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async tryInner(entries: readonly LedgerEntry[]): Promise<boolean> {
    try {
      await this.options.inner.appendEntries(entries);
      return true;
    } catch (error) {
      if (!this.spooled) {
        this.spooled = true;
        this.degradedAt = Date.now();
        this.options.onDegraded?.('ledger', error);
      }
      this.schedule(this.options.retryIntervalMs ?? 2000);
      return false;
    }
  }

  private async spool(entries: readonly LedgerEntry[]): Promise<void> {
    const handle = this.requireHandle();
    await handle.appendFile(entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
    await handle.datasync();
  }

  private async replay(): Promise<void> {
    if (!this.spooled) return;
    const handle = this.requireHandle();
    // By path: the append handle's offset sits at the end of the file.
    const text = await readFile(this.options.spoolPath, 'utf8');
    const entries: LedgerEntry[] = [];
    for (const line of text.split('\n')) {
      if (line === '') continue;
      try {
        entries.push(JSON.parse(line) as LedgerEntry);
      } catch {
        // A torn line from a crash mid-append: that batch was never acknowledged.
      }
    }
    const size = this.options.replayBatchSize ?? 500;
    try {
      for (let i = 0; i < entries.length; i += size) await this.options.inner.appendEntries(entries.slice(i, i + size));
    } catch {
      this.schedule(this.options.retryIntervalMs ?? 2000);
      return;
    }
    await handle.truncate(0);
    await handle.datasync();
    this.spooled = false;
    this.options.onRecovered?.('ledger', Date.now() - this.degradedAt);
  }

  private schedule(delayMs: number): void {
    if (this.closed || this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.serial(() => this.replay());
    }, delayMs);
    this.timer.unref();
  }

  private requireHandle(): FileHandle {
    if (this.handle === undefined) throw new Error('the ledger spool is closed');
    return this.handle;
  }
}
