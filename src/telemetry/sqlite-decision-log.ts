import Database from 'better-sqlite3';
import type { DecisionLog, DecisionQuery, DecisionRecord } from './decision-record.js';

export interface SqliteDecisionLogOptions {
  /** A database file (e.g. `<dataDir>/decisions.sqlite`) or `:memory:`. */
  path: string;
  /** Records older than this are deleted (default 30 days). */
  retentionMs?: number;
  /** Appends are written in one transaction at most this often (default 1 s). */
  flushIntervalMs?: number;
  /** …or as soon as this many are waiting (default 500). */
  flushBatch?: number;
  now?: () => number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS decision_log (
  id TEXT PRIMARY KEY,
  at INTEGER NOT NULL,
  task TEXT NOT NULL,
  winner TEXT,
  deployments TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS decision_log_at ON decision_log (at);
CREATE INDEX IF NOT EXISTS decision_log_task_at ON decision_log (task, at);
`;

/**
 * The decision audit log in a SQLite file of its own, so that it needs nothing from the store's
 * migrations. better-sqlite3 is synchronous, so appends never touch the disk on the request path:
 * they queue in memory and are written in one transaction per flush; retention is applied on a
 * timer. The record is kept whole as JSON beside the few columns queries filter on.
 */
export class SqliteDecisionLog implements DecisionLog {
  private readonly db: Database.Database;
  private readonly pending: DecisionRecord[] = [];
  private readonly retentionMs: number;
  private readonly flushBatch: number;
  private readonly now: () => number;
  private readonly timer: NodeJS.Timeout;
  private readonly insert: Database.Statement;
  private lastPrune = 0;

  constructor(options: SqliteDecisionLogOptions) {
    this.db = new Database(options.path);
    if (options.path !== ':memory:') this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
    this.retentionMs = options.retentionMs ?? 30 * 86_400_000;
    this.flushBatch = options.flushBatch ?? 500;
    this.now = options.now ?? Date.now;
    this.insert = this.db.prepare('INSERT OR REPLACE INTO decision_log (id, at, task, winner, deployments, body) VALUES (?, ?, ?, ?, ?, ?)');
    this.timer = setInterval(() => this.flush(), options.flushIntervalMs ?? 1_000);
    this.timer.unref();
  }

  append(record: DecisionRecord): void {
    this.pending.push(record);
    if (this.pending.length >= this.flushBatch) setImmediate(() => this.flush());
  }

  /** Writes what is queued and applies retention (at most once a minute). */
  flush(): void {
    if (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.pending.length);
      this.db.transaction(() => {
        for (const r of batch) {
          // Bars around each id make "attempted on X" an exact LIKE match.
          const deployments = `|${[...new Set(r.result.attempts.map((a) => a.deploymentId))].join('|')}|`;
          this.insert.run(r.id, r.at, r.profile.task, r.result.winner ?? null, deployments, JSON.stringify(r));
        }
      })();
    }
    const now = this.now();
    if (now - this.lastPrune >= 60_000) {
      this.lastPrune = now;
      this.db.prepare('DELETE FROM decision_log WHERE at < ?').run(now - this.retentionMs);
    }
  }

  get(id: string): Promise<DecisionRecord | undefined> {
    this.flush();
    const row = this.db.prepare('SELECT body FROM decision_log WHERE id = ? AND at >= ?').get(id, this.now() - this.retentionMs) as { body: string } | undefined;
    return Promise.resolve(row === undefined ? undefined : (JSON.parse(row.body) as DecisionRecord));
  }

  query(query: DecisionQuery): Promise<DecisionRecord[]> {
    this.flush();
    const where: string[] = ['at >= ?'];
    const params: Array<string | number> = [Math.max(query.from ?? 0, this.now() - this.retentionMs)];
    if (query.id !== undefined) {
      where.push('id = ?');
      params.push(query.id);
    }
    if (query.to !== undefined) {
      where.push('at < ?');
      params.push(query.to);
    }
    if (query.task !== undefined) {
      where.push('task = ?');
      params.push(query.task);
    }
    if (query.deployment !== undefined) {
      where.push("(winner = ? OR deployments LIKE ? ESCAPE '\\')");
      params.push(query.deployment, `%|${query.deployment.replace(/[\\%_]/g, (c) => `\\${c}`)}|%`);
    }
    params.push(query.limit ?? 100);
    const rows = this.db.prepare(`SELECT body FROM decision_log WHERE ${where.join(' AND ')} ORDER BY at DESC, rowid DESC LIMIT ?`).all(...params) as Array<{ body: string }>;
    return Promise.resolve(rows.map((row) => JSON.parse(row.body) as DecisionRecord));
  }

  close(): void {
    clearInterval(this.timer);
    this.flush();
    this.db.close();
  }
}
