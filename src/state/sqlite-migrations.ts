import type { Database } from 'better-sqlite3';

export interface SqliteMigration {
  /** Applied in ascending order; never renumber or edit one that has shipped, add a new one. */
  version: number;
  name: string;
  sql: string;
}

export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
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
        allowed_models TEXT,
        rate_limits TEXT,
        metadata TEXT,
        created_at INTEGER NOT NULL,
        expires_at INTEGER,
        revoked_at INTEGER
      );
      CREATE INDEX api_keys_owner ON api_keys (owner);
      CREATE INDEX api_keys_team ON api_keys (team);

      CREATE TABLE budgets (
        id TEXT PRIMARY KEY,
        scope TEXT NOT NULL,
        scope_id TEXT NOT NULL,
        period TEXT NOT NULL,
        limit_usd REAL NOT NULL,
        alert_thresholds TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );

      CREATE TABLE ledger (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        request_id TEXT NOT NULL,
        attempt INTEGER,
        key_id TEXT,
        team TEXT,
        deployment_id TEXT,
        input_tokens INTEGER NOT NULL,
        output_tokens INTEGER NOT NULL,
        cached_input_tokens INTEGER NOT NULL,
        cost_usd REAL NOT NULL,
        cost_nanos INTEGER NOT NULL,
        latency_ms REAL NOT NULL,
        ttft_ms REAL,
        outcome TEXT NOT NULL,
        error_code TEXT,
        decision_id TEXT,
        cache_hit INTEGER NOT NULL,
        streamed INTEGER NOT NULL,
        started_at INTEGER NOT NULL,
        ended_at INTEGER NOT NULL
      );
      CREATE INDEX ledger_started_at ON ledger (kind, started_at);
      CREATE INDEX ledger_request_id ON ledger (request_id);
      CREATE INDEX ledger_key_started_at ON ledger (key_id, started_at);

      -- Request spend rolled up per budget target and UTC day, written in the same transaction as
      -- the ledger rows, so that budgets rebuild at start without scanning the ledger.
      CREATE TABLE spend_daily (
        scope TEXT NOT NULL,
        scope_id TEXT NOT NULL,
        day INTEGER NOT NULL,
        cost_nanos INTEGER NOT NULL,
        requests INTEGER NOT NULL,
        PRIMARY KEY (scope, scope_id, day)
      ) WITHOUT ROWID;

      CREATE TABLE alert_state (
        alert_key TEXT PRIMARY KEY,
        fired_at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
];

/** Applies every migration newer than the recorded version, each in its own transaction. */
export function applySqliteMigrations(db: Database, migrations: readonly SqliteMigration[] = SQLITE_MIGRATIONS): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map((r) => r.version),
  );
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const done: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, Date.now());
    }).immediate();
    done.push(migration.version);
  }
  return done;
}
