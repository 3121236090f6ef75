import type { Database, Statement } from 'better-sqlite3';
import type { BudgetPeriod, BudgetRecord, BudgetScope } from './budget-record.js';
import type { BudgetStore } from './budget-store.js';

interface BudgetRow {
  id: string;
  scope: BudgetScope;
  scope_id: string;
  period: BudgetPeriod;
  limit_usd: number;
  alert_thresholds: string | null;
  created_at: number;
  updated_at: number;
}

function toRecord(row: BudgetRow): BudgetRecord {
  const record: BudgetRecord = {
    id: row.id,
    scope: row.scope,
    scopeId: row.scope_id,
    period: row.period,
    limitUsd: row.limit_usd,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  if (row.alert_thresholds !== null) record.alertThresholds = JSON.parse(row.alert_thresholds) as number[];
  return record;
}

export class SqliteBudgetStore implements BudgetStore {
  private readonly put: Statement;
  private readonly list: Statement<[], BudgetRow>;
  private readonly remove: Statement<[string]>;

  constructor(db: Database) {
    this.put = db.prepare(`INSERT INTO budgets (id, scope, scope_id, period, limit_usd, alert_thresholds, created_at, updated_at)
      VALUES (@id, @scope, @scopeId, @period, @limitUsd, @alertThresholds, @createdAt, @updatedAt)
      ON CONFLICT (id) DO UPDATE SET scope = excluded.scope, scope_id = excluded.scope_id, period = excluded.period,
        limit_usd = excluded.limit_usd, alert_thresholds = excluded.alert_thresholds,
        created_at = excluded.created_at, updated_at = excluded.updated_at`);
    this.list = db.prepare('SELECT * FROM budgets ORDER BY id');
    this.remove = db.prepare('DELETE FROM budgets WHERE id = ?');
  }

  async putBudget(record: BudgetRecord): Promise<void> {
    this.put.run({
      ...record,
      alertThresholds: record.alertThresholds === undefined ? null : JSON.stringify(record.alertThresholds),
    });
  }

  async listBudgets(): Promise<BudgetRecord[]> {
    return this.list.all().map(toRecord);
  }

  async deleteBudget(id: string): Promise<boolean> {
    return this.remove.run(id).changes > 0;
  }
}
