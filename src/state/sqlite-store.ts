import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { GatewayError } from '../errors/gateway-error.js';
import { SqliteAlertStateStore } from './sqlite-alert-state-store.js';
import { SqliteBudgetStore } from './sqlite-budget-store.js';
import { SqliteKeyStore } from './sqlite-key-store.js';
import { SqliteLedgerStore } from './sqlite-ledger-store.js';
import { applySqliteMigrations } from './sqlite-migrations.js';
import type { Store } from './store.js';

export const DEFAULT_DATA_DIR = './.switchyard';
export const SQLITE_FILENAME = 'switchyard.db';

export interface SqliteStoreOptions {
  /** Created if absent. Default `./.switchyard`. */
  dataDir?: string;
  /**
   * `FULL` (default) syncs the WAL on every commit, so a committed ledger batch survives a power
   * loss, not only a process crash: that is what "never lost once the response was sent" needs.
   * Group commit in the ledger writer pays one sync per batch, not per request. `NORMAL` survives
   * process crashes (SIGKILL) but may lose the last commits on power loss.
   */
  synchronous?: 'FULL' | 'NORMAL';
}

/**
 * The embedded store: one SQLite file in WAL mode. better-sqlite3 is synchronous; every call is a
 * short indexed statement, and ledger writes arrive batched, so the event loop is held briefly
 * and rarely. The async interface leaves room to move it to a worker thread without callers
 * changing.
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly keys: SqliteKeyStore;
  readonly budgets: SqliteBudgetStore;
  readonly ledger: SqliteLedgerStore;
  readonly alerts: SqliteAlertStateStore;
  readonly path: string;
  private readonly db: Database.Database;

  private constructor(db: Database.Database, path: string) {
    this.db = db;
    this.path = path;
    applySqliteMigrations(db);
    this.keys = new SqliteKeyStore(db);
    this.budgets = new SqliteBudgetStore(db);
    this.ledger = new SqliteLedgerStore(db);
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
      db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
      return new SqliteStore(db, path);
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
    if (this.db.open) this.db.close();
  }
}
