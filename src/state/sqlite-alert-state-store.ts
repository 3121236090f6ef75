import type { Database, Statement } from 'better-sqlite3';
import type { AlertStateStore } from './alert-state-store.js';

export class SqliteAlertStateStore implements AlertStateStore {
  private readonly mark: Statement<[string, number]>;
  private readonly has: Statement<[string], { one: number }>;

  constructor(db: Database) {
    this.mark = db.prepare('INSERT OR IGNORE INTO alert_state (alert_key, fired_at) VALUES (?, ?)');
    this.has = db.prepare('SELECT 1 AS one FROM alert_state WHERE alert_key = ?');
  }

  async markAlertFired(alertKey: string, firedAtMs: number): Promise<boolean> {
    return this.mark.run(alertKey, firedAtMs).changes === 1;
  }

  async hasAlertFired(alertKey: string): Promise<boolean> {
    return this.has.get(alertKey) !== undefined;
  }
}
