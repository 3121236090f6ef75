import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { GatewayError } from '../errors/gateway-error.js';
import { SqliteAlertStateStore } from './sqlite-alert-state-store.js';
import { SqliteBudgetStore } from './sqlite-budget-store.js';
import { SqliteKeyStore } from './sqlite-key-store.js';
import { SqliteLedgerStore } from './sqlite-ledger-store.js';
import { LEDGER_JOB, type LedgerJobData } from './sqlite-ledger-job.js';
import type { SqliteJobChannel, SqliteJobThread } from './sqlite-job-thread.js';
import { applySqliteMigrations } from './sqlite-migrations.js';
import { WalSyncer } from './wal-syncer.js';
import type { Store } from './store.js';

export const DEFAULT_DATA_DIR = './.switchyard';
export const SQLITE_FILENAME = 'switchyard.db';

export interface SqliteStoreOptions {
  /** Created if absent. Default `./.switchyard`. */
  dataDir?: string;
  /**
   * SQLite's own sync mode. In WAL mode every commit survives a process crash (SIGKILL) either
   * way; what differs is a power loss. `FULL` fsyncs inside every commit, which holds the event
   * loop for the length of an fsync (about 7 ms on a plain disk) on every ledger batch. The
   * default, `NORMAL`, leaves that to `durableLedger`.
   */
  synchronous?: 'FULL' | 'NORMAL';
  /**
   * With `NORMAL`, fdatasync the WAL off the event loop after each ledger batch before
   * `appendEntries` resolves, so that a ledger entry acknowledged to the ledger writer survives
   * a power loss too: the promise "never lost once the response was sent" at no event-loop cost.
   * Default true. Keys, budgets and alert state are written rarely and rely on WAL + NORMAL
   * (safe against crashes; the last such change may be lost on power loss).
   */
  durableLedger?: boolean;
  /**
   * The process's SQLite writer thread (see SqliteJobThread, whose script must serve the ledger's
   * job): ledger batches are written there, on a connection of its own, so that the transactions
   * and WAL syncs leave the event loop. Without it the ledger is written on the main connection.
   */
  writerThread?: SqliteJobThread;
}

/**
 * The embedded store: one SQLite file in WAL mode. better-sqlite3 is synchronous; every call is a
 * short indexed statement. Ledger batches, the one steady stream of writes, go to the writer thread
 * with its own connection when one is given; keys, budgets and alert state are
 * written rarely, on the main connection (busy_timeout on both lets each wait for the other's lock).
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly keys: SqliteKeyStore;
  readonly budgets: SqliteBudgetStore;
  readonly ledger: SqliteLedgerStore;
  readonly alerts: SqliteAlertStateStore;
  readonly path: string;
  private readonly db: Database.Database;

  private readonly walSyncer: WalSyncer | undefined;
  private readonly ledgerThread: SqliteJobChannel | undefined;

  private constructor(db: Database.Database, path: string, walSyncer: WalSyncer | undefined, writerThread: SqliteJobThread | undefined, ledgerJob: LedgerJobData) {
    this.db = db;
    this.path = path;
    this.walSyncer = walSyncer;
    // Before the job opens in the thread: it prepares its statements against the migrated schema.
    applySqliteMigrations(db);
    this.ledgerThread = writerThread?.open(LEDGER_JOB, ledgerJob);
    this.keys = new SqliteKeyStore(db);
    this.budgets = new SqliteBudgetStore(db);
    this.ledger = new SqliteLedgerStore(db, { ...(walSyncer ? { walSyncer } : {}), ...(this.ledgerThread ? { thread: this.ledgerThread } : {}) });
    this.alerts = new SqliteAlertStateStore(db);
  }

  /** Opens (creating if needed) and migrates the store in `dataDir`. */
  static async open(options: SqliteStoreOptions = {}): Promise<SqliteStore> {
    const dir = resolve(options.dataDir ?? DEFAULT_DATA_DIR);
    const path = join(dir, SQLITE_FILENAME);
    let db: Database.Database | undefined;
    try {
      mkdirSync(dir, { recursive: true });
      db = new Database(path);
      db.pragma('journal_mode = WAL');
      const synchronous = options.synchronous ?? 'NORMAL';
      db.pragma(`synchronous = ${synchronous}`);
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
      const syncWal = synchronous === 'NORMAL' && (options.durableLedger ?? true);
      const walPath = `${path}-wal`;
      const ledgerJob: LedgerJobData = { path, synchronous, ...(syncWal ? { walPath } : {}) };
      return new SqliteStore(db, path, syncWal ? new WalSyncer(walPath) : undefined, options.writerThread, ledgerJob);
    } catch (error) {
      db?.close();
      throw new GatewayError('unavailable', `cannot open the SQLite store at ${path}: ${(error as Error).message}`, { cause: error });
    }
  }

  async migrate(): Promise<void> {
    applySqliteMigrations(this.db);
  }

  /** Versions recorded in `schema_migrations`, ascending. */
  async schemaVersions(): Promise<number[]> {
    return (this.db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as Array<{ version: number }>).map((r) => r.version);
  }

  async close(): Promise<void> {
    // The job's batches are committed before its connection in the thread closes; then the WAL handle goes: closing the last connection checkpoints and deletes the WAL file.
    await this.ledgerThread?.close();
    await this.walSyncer?.close();
    if (this.db.open) this.db.close();
  }
}
