import type { PoolClient } from 'pg';

export interface PostgresMigration {
  /** Applied in ascending order; never renumber or edit one that has shipped, add a new one. */
  version: number;
  name: string;
  sql: string;
}

/** The same tables as SQLite's first migration, with Postgres types; money sums stay integer nanos. */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    name: 'keys, budgets, ledger, daily spend, alert state',
    sql: `
      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        hash TEXT NOT NULL UNIQUE,
        prefix TEXT NOT NULL,
        name TEXT,
        owner TEXT NOT NULL,
        team TEXT,
        allowed_models JSONB,
        rate_limits JSONB,
        metadata JSONB,
        created_at BIGINT NOT NULL,
        expires_at BIGINT,
        revoked_at BIGINT
      );
      CREATE INDEX api_keys_owner ON api_keys (owner);
      CREATE INDEX api_keys_team ON api_keys (team);

      CREATE TABLE budgets (
        id TEXT PRIMARY KEY,
        scope TEXT NOT NULL,
        scope_id TEXT NOT NULL,
        period TEXT NOT NULL,
        limit_usd DOUBLE PRECISION NOT NULL,
        alert_thresholds JSONB,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      );

      CREATE TABLE ledger (
        seq BIGSERIAL UNIQUE,
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        request_id TEXT NOT NULL,
        attempt INTEGER,
        key_id TEXT,
        team TEXT,
        deployment_id TEXT,
        input_tokens BIGINT NOT NULL,
        output_tokens BIGINT NOT NULL,
        cached_input_tokens BIGINT NOT NULL,
        cost_usd DOUBLE PRECISION NOT NULL,
        cost_nanos BIGINT NOT NULL,
        latency_ms DOUBLE PRECISION NOT NULL,
        ttft_ms DOUBLE PRECISION,
        outcome TEXT NOT NULL,
        error_code TEXT,
        decision_id TEXT,
        cache_hit BOOLEAN NOT NULL,
        streamed BOOLEAN NOT NULL,
        started_at BIGINT NOT NULL,
        ended_at BIGINT NOT NULL
      );
      CREATE INDEX ledger_started_at ON ledger (kind, started_at);
      CREATE INDEX ledger_request_id ON ledger (request_id);
      CREATE INDEX ledger_key_started_at ON ledger (key_id, started_at);

      -- Request spend per budget target and UTC day, written in the ledger's transaction, so that
      -- budgets rebuild at start without scanning the ledger.
      CREATE TABLE spend_daily (
        scope TEXT NOT NULL,
        scope_id TEXT NOT NULL,
        day INTEGER NOT NULL,
        cost_nanos BIGINT NOT NULL,
        requests BIGINT NOT NULL,
        PRIMARY KEY (scope, scope_id, day)
      );

      CREATE TABLE alert_state (
        alert_key TEXT PRIMARY KEY,
        fired_at BIGINT NOT NULL
      );
    `,
  },
];

/** Any constant works; it only has to be the same in every gateway process. */
const MIGRATION_LOCK_ID = 0x5357_4d47;

/**
 * Applies every migration newer than the recorded version, each in its own transaction. Gateways
 * starting together serialise on an advisory lock, so exactly one of them runs each migration.
 * `schema` must already be a checked identifier.
 */
export async function applyPostgresMigrations(
  client: PoolClient,
  options: { schema?: string; migrations?: readonly PostgresMigration[] } = {},
): Promise<number[]> {
  const migrations = options.migrations ?? POSTGRES_MIGRATIONS;
  const done: number[] = [];
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
  try {
    // Under the lock too: concurrent CREATE SCHEMA IF NOT EXISTS can still collide on the catalog.
    if (options.schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS ${options.schema}`);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at BIGINT NOT NULL
    )`);
    const applied = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (applied.has(migration.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [migration.version, migration.name, Date.now()]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
      done.push(migration.version);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
  }
  return done;
}
