import type { Pool } from 'pg';
import type { BudgetPeriod, BudgetRecord, BudgetScope } from '../budget-record.js';
import type { BudgetStore } from '../budget-store.js';

interface BudgetRow {
  id: string;
  scope: BudgetScope;
  scope_id: string;
  period: BudgetPeriod;
  limit_usd: number;
  alert_thresholds: number[] | null;
  created_at: string;
  updated_at: string;
}

function toRecord(row: BudgetRow): BudgetRecord {
  const record: BudgetRecord = {
    id: row.id,
    scope: row.scope,
    scopeId: row.scope_id,
    period: row.period,
    limitUsd: row.limit_usd,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
  if (row.alert_thresholds !== null) record.alertThresholds = row.alert_thresholds;
  return record;
}

export class PostgresBudgetStore implements BudgetStore {
  constructor(private readonly pool: Pool) {}

  async putBudget(record: BudgetRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO budgets (id, scope, scope_id, period, limit_usd, alert_thresholds, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (id) DO UPDATE SET scope = excluded.scope, scope_id = excluded.scope_id, period = excluded.period,
         limit_usd = excluded.limit_usd, alert_thresholds = excluded.alert_thresholds,
         created_at = excluded.created_at, updated_at = excluded.updated_at`,
      [
        record.id, record.scope, record.scopeId, record.period, record.limitUsd,
        record.alertThresholds === undefined ? null : JSON.stringify(record.alertThresholds), record.createdAt, record.updatedAt,
      ],
    );
  }

  async listBudgets(): Promise<BudgetRecord[]> {
    return (await this.pool.query<BudgetRow>('SELECT * FROM budgets ORDER BY id')).rows.map(toRecord);
  }

  async deleteBudget(id: string): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM budgets WHERE id = $1', [id])).rowCount ?? 0) > 0;
  }
}
