/** What a budget covers: one key, one team, or every request through the gateway. */
export type BudgetScope = 'key' | 'team' | 'global';

export const BUDGET_SCOPES = ['key', 'team', 'global'] as const satisfies readonly BudgetScope[];

/** How often a budget starts again from zero; calendar periods in UTC, `total` never resets. */
export type BudgetPeriod = 'day' | 'week' | 'month' | 'total';

export const BUDGET_PERIODS = ['day', 'week', 'month', 'total'] as const satisfies readonly BudgetPeriod[];

/** The scope id of the one global budget target. */
export const GLOBAL_SCOPE_ID = '*';

export interface BudgetRecord {
  /** `<scope>:<scopeId>:<period>`: one budget per target and period. */
  id: string;
  scope: BudgetScope;
  /** Key id, team name, or GLOBAL_SCOPE_ID. */
  scopeId: string;
  period: BudgetPeriod;
  limitUsd: number;
  /** Shares of the limit (0 < t <= 1) at which an alert fires; absent means the defaults. */
  alertThresholds?: number[];
  /** Epoch ms. */
  createdAt: number;
  updatedAt: number;
}

export function budgetId(scope: BudgetScope, scopeId: string, period: BudgetPeriod): string {
  return `${scope}:${scopeId}:${period}`;
}
