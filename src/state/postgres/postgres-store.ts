import pg from 'pg';
import { GatewayError } from '../../errors/gateway-error.js';
import type { Store } from '../store.js';
import { PostgresAlertStateStore } from './postgres-alert-state-store.js';
import { PostgresBudgetStore } from './postgres-budget-store.js';
import { PostgresKeyStore } from './postgres-key-store.js';
import { PostgresLedgerStore } from './postgres-ledger-store.js';
import { applyPostgresMigrations } from './postgres-migrations.js';

export interface PostgresStoreOptions {
  /** `postgres://user:pass@host:5432/db`. */
  connectionString: string;
  /**
   * Tables live in this schema (created if absent) instead of the user's default `search_path`:
   * lets several clusters, or test runs, share one database.
   */
  schema?: string;
  /** Most pooled connections per gateway process. Default 10. */
  maxConnections?: number;
  /** Give up connecting after this long, ms. Default 5000. */
  connectTimeoutMs?: number;
  /** Server-side limit per statement, ms. Default 30000. */
  statementTimeoutMs?: number;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Keys, budgets, ledger and alert state in Postgres, shared by every gateway process of a
 * cluster. Same interface and semantics as the SQLite store; money sums in integer nanos.
 */
export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  readonly keys: PostgresKeyStore;
  readonly budgets: PostgresBudgetStore;
  readonly ledger: PostgresLedgerStore;
  readonly alerts: PostgresAlertStateStore;

  private constructor(
    readonly pool: pg.Pool,
    private readonly schema: string | undefined,
  ) {
    this.keys = new PostgresKeyStore(pool);
    this.budgets = new PostgresBudgetStore(pool);
    this.ledger = new PostgresLedgerStore(pool);
    this.alerts = new PostgresAlertStateStore(pool);
  }

  /** Connects, creates the schema if asked, and migrates. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const schema = options.schema;
    if (schema !== undefined && !IDENTIFIER.test(schema)) {
      throw new GatewayError('invalid_config', `Postgres schema name ${JSON.stringify(schema)} must be a lower-case SQL identifier.`);
    }
    const pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
      statement_timeout: options.statementTimeoutMs ?? 30_000,
      ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
    });
    // An idle client losing its server connection emits on the pool; without a listener that would crash the process.
    pool.on('error', () => undefined);
    const store = new PostgresStore(pool, schema);
    try {
      await store.migrate();
      return store;
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw new GatewayError('unavailable', `cannot open the Postgres store at ${redact(options.connectionString)}: ${(error as Error).message}`, { cause: error });
    }
  }

  async migrate(): Promise<void> {
    const client = await this.pool.connect();
    const onError = (): void => undefined;
    client.on('error', onError);
    try {
      await applyPostgresMigrations(client, this.schema === undefined ? {} : { schema: this.schema });
    } finally {
      client.off('error', onError);
      client.release();
    }
  }

  /** Versions recorded in `schema_migrations`, ascending. */
  async schemaVersions(): Promise<number[]> {
    return (await this.pool.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => r.version);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

function redact(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return '(unparsable connection string)';
  }
}
