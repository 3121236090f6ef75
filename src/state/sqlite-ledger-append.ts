import type { Database } from 'better-sqlite3';
import { GLOBAL_SCOPE_ID, type BudgetScope } from './budget-record.js';
import type { LedgerEntry } from './ledger-entry.js';
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
 * The ledger's one write: a batch of entries and the daily spend rollups of its request rows, in
 * one IMMEDIATE transaction on `db`. Shared by the store's main connection and the ledger writer
 * thread's own connection, so that both write exactly the same rows.
 */
export function prepareLedgerAppend(db: Database): (entries: readonly LedgerEntry[]) => void {
  // Positional parameters: binding 21 named ones costs a property lookup per column per row.
  const insertEntry = db.prepare(`INSERT OR IGNORE INTO ledger
    (id, kind, request_id, attempt, key_id, team, deployment_id, input_tokens, output_tokens, cached_input_tokens,
     cost_usd, cost_nanos, latency_ms, ttft_ms, outcome, error_code, decision_id, cache_hit, streamed, started_at, ended_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const addDaily = db.prepare<[BudgetScope, string, number, number, number]>(`INSERT INTO spend_daily (scope, scope_id, day, cost_nanos, requests) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (scope, scope_id, day) DO UPDATE SET cost_nanos = cost_nanos + excluded.cost_nanos, requests = requests + excluded.requests`);

  const appendOne = (entry: LedgerEntry, daily: Map<string, DailySum>): void => {
    const costNanos = usdToNanos(entry.costUsd);
    const inserted = insertEntry.run(
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
      costNanos,
      entry.latencyMs,
      entry.ttftMs ?? null,
      entry.outcome,
      entry.errorCode ?? null,
      entry.decisionId ?? null,
      entry.cacheHit ? 1 : 0,
      entry.streamed ? 1 : 0,
      entry.startedAt,
      entry.endedAt,
    );
    // A row already stored (a retried batch) must not be counted twice in the rollups.
    if (inserted.changes === 0 || entry.kind !== 'request') return;
    const day = epochDay(entry.startedAt);
    addToDaily(daily, 'global', GLOBAL_SCOPE_ID, day, costNanos);
    if (entry.keyId !== undefined) addToDaily(daily, 'key', entry.keyId, day, costNanos);
    if (entry.team !== undefined) addToDaily(daily, 'team', entry.team, day, costNanos);
  };

  const appendAll = db.transaction((entries: readonly LedgerEntry[]) => {
    // The daily rollups of a batch are summed first: one upsert per scope and day, not three per request.
    const daily = new Map<string, DailySum>();
    for (const entry of entries) appendOne(entry, daily);
    for (const sum of daily.values()) addDaily.run(sum.scope, sum.scopeId, sum.day, sum.nanos, sum.requests);
  });
  // IMMEDIATE takes the write lock up front, so another connection cannot make the batch fail half-way.
  return (entries) => appendAll.immediate(entries);
}
