import type { BudgetScope } from './budget-record.js';
import type { LedgerEntry } from './ledger-entry.js';

export type SpendGroupBy = 'key' | 'team' | 'deployment' | 'day' | 'hour';

export const SPEND_GROUP_BYS = ['key', 'team', 'deployment', 'day', 'hour'] as const satisfies readonly SpendGroupBy[];

export interface SpendReportQuery {
  groupBy: SpendGroupBy;
  /** Epoch ms, inclusive, on the entries' start time. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
  keyId?: string;
  team?: string;
}

export interface SpendRow {
  /**
   * The group: key id, team, deployment id, UTC day (`2026-11-25`) or hour (`2026-11-25T13`);
   * null for entries without one (e.g. requests without a team).
   */
  group: string | null;
  costUsd: number;
  /** Request rows, or attempt rows when grouped by deployment. */
  count: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
}

/** Settled spend of one budget target. */
export interface ScopeSpend {
  scope: BudgetScope;
  /** Key id, team name, or GLOBAL_SCOPE_ID. */
  scopeId: string;
  costUsd: number;
}

export interface LedgerListQuery {
  requestId?: string;
  from?: number;
  to?: number;
  /** Newest first when set; at most this many rows. */
  limit?: number;
}

/** The durable record of requests and attempts. */
export interface LedgerStore {
  /**
   * Writes every entry in one transaction: all become durable together or none do. Entries whose
   * id is already stored are skipped.
   */
  appendEntries(entries: readonly LedgerEntry[]): Promise<void>;
  /**
   * Settled spend of request rows per key, per team and in total, for entries that started on or
   * after the UTC day containing `fromMs`. Budgets use it to rebuild their counters at start.
   */
  spendByScope(fromMs: number): Promise<ScopeSpend[]>;
  /**
   * Spend grouped as asked. Grouping by deployment counts attempt rows (so that a fallback's
   * cost lands on the model that spent it); every other grouping counts request rows.
   */
  spendReport(query: SpendReportQuery): Promise<SpendRow[]>;
  /** Oldest first unless `limit` is set. */
  listEntries(query?: LedgerListQuery): Promise<LedgerEntry[]>;
  countEntries(): Promise<number>;
}
