import type { Pool } from 'pg';
import type { AlertStateStore } from '../alert-state-store.js';

export class PostgresAlertStateStore implements AlertStateStore {
  constructor(private readonly pool: Pool) {}

  async markAlertFired(alertKey: string, firedAtMs: number): Promise<boolean> {
    const result = await this.pool.query('INSERT INTO alert_state (alert_key, fired_at) VALUES ($1, $2) ON CONFLICT DO NOTHING', [alertKey, firedAtMs]);
    return result.rowCount === 1;
  }

  async hasAlertFired(alertKey: string): Promise<boolean> {
    return ((await this.pool.query('SELECT 1 FROM alert_state WHERE alert_key = $1', [alertKey])).rowCount ?? 0) > 0;
  }
}
