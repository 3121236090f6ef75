import type { Database } from 'better-sqlite3';
import type { OutcomeClass } from '../spec/outcome-class.js';
import { GLOBAL_SCOPE_ID, type BudgetScope } from './budget-record.js';
import type { LedgerEntry, LedgerEntryKind } from './ledger-entry.js';
import { epochDay } from './spend-group-label.js';
import { usdToNanos } from './usd-nanos.js';

interface DailySum {
  scope: BudgetScope;
  scopeId: string;
  day: number;
  nanos: number;
  requests: number;
}

function addToDaily(daily: Map<string, DailySum>, scope: BudgetScope, scopeId: string, day: number, nanos: number): void {
  const key = `${scope}\u0000${scopeId}\u0000${day}`;
  const sum = daily.get(key);
  if (sum === undefined) daily.set(key, { scope, scopeId, day, nanos, requests: 1 });
  else {
    sum.nanos += nanos;
    sum.requests += 1;
  }
}

/**
 * A ledger entry as the insert binds it, in column order but for `cost_nanos` (derived). Batches
 * go to the SQLite writer thread in this form: a structured clone of an array of values costs
 * the event loop about half of what cloning the entry objects does (every property name is
 * written out again for every object).
 */
export type LedgerRowValues = [
  id: string,
  kind: LedgerEntryKind,
  requestId: string,
  attempt: number | null,
  keyId: string | null,
  team: string | null,
  deploymentId: string | null,
  inputTokens: number,
  outputTokens: number,
  cachedInputTokens: number,
  costUsd: number,
  latencyMs: number,
  ttftMs: number | null,
  outcome: OutcomeClass,
  errorCode: string | null,
  decisionId: string | null,
  cacheHit: 0 | 1,
  streamed: 0 | 1,
  startedAt: number,
  endedAt: number,
];

export function toLedgerRowValues(entry: LedgerEntry): LedgerRowValues {
  return [
    entry.id,
    entry.kind,
    entry.requestId,
    entry.attempt ?? null,
    entry.keyId ?? null,
    entry.team ?? null,
    entry.deploymentId ?? null,
    entry.inputTokens,
    entry.outputTokens,
    entry.cachedInputTokens,
    entry.costUsd,
    entry.latencyMs,
    entry.ttftMs ?? null,
    entry.outcome,
    entry.errorCode ?? null,
    entry.decisionId ?? null,
    entry.cacheHit ? 1 : 0,
    entry.streamed ? 1 : 0,
    entry.startedAt,
    entry.endedAt,
  ];
}

/**
 * The ledger's one write: a batch of rows and the daily spend rollups of its request rows, in
 * one IMMEDIATE transaction on `db`. Shared by the store's main connection and the ledger's job
 * on the writer thread's own connection, so that both write exactly the same rows.
 */
export function prepareLedgerAppend(db: Database): (rows: readonly LedgerRowValues[]) => void {
  // Positional parameters: binding 21 named ones costs a property lookup per column per row.
  const insertRow = db.prepare(`INSERT OR IGNORE INTO ledger
    (id, kind, request_id, attempt, key_id, team, deployment_id, input_tokens, output_tokens, cached_input_tokens,
     cost_usd, cost_nanos, latency_ms, ttft_ms, outcome, error_code, decision_id, cache_hit, streamed, started_at, ended_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const addDaily = db.prepare<[BudgetScope, string, number, number, number]>(`INSERT INTO spend_daily (scope, scope_id, day, cost_nanos, requests) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (scope, scope_id, day) DO UPDATE SET cost_nanos = cost_nanos + excluded.cost_nanos, requests = requests + excluded.requests`);

  const appendOne = (row: LedgerRowValues, daily: Map<string, DailySum>): void => {
    const costNanos = usdToNanos(row[10]);
    const inserted = insertRow.run(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8], row[9], row[10], costNanos,
      row[11], row[12], row[13], row[14], row[15], row[16], row[17], row[18], row[19]);
    // A row already stored (a retried batch) must not be counted twice in the rollups.
    if (inserted.changes === 0 || row[1] !== 'request') return;
    const day = epochDay(row[18]);
    addToDaily(daily, 'global', GLOBAL_SCOPE_ID, day, costNanos);
    if (row[4] !== null) addToDaily(daily, 'key', row[4], day, costNanos);
    if (row[5] !== null) addToDaily(daily, 'team', row[5], day, costNanos);
  };

  const appendAll = db.transaction((rows: readonly LedgerRowValues[]) => {
    // The daily rollups of a batch are summed first: one upsert per scope and day, not three per request.
    const daily = new Map<string, DailySum>();
    for (const row of rows) appendOne(row, daily);
    for (const sum of daily.values()) addDaily.run(sum.scope, sum.scopeId, sum.day, sum.nanos, sum.requests);
  });
  // IMMEDIATE takes the write lock up front, so another connection cannot make the batch fail half-way.
  return (rows) => appendAll.immediate(rows);
}
