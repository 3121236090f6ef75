import type { Pool } from 'pg';
import type { OutcomeClass } from '../../spec/outcome-class.js';
import { GLOBAL_SCOPE_ID, type BudgetScope } from '../budget-record.js';
import type { LedgerEntry, LedgerEntryKind } from '../ledger-entry.js';
import type { LedgerListQuery, LedgerStore, ScopeSpend, SpendGroupBy, SpendReportQuery, SpendRow } from '../ledger-store.js';
import { sortSpendRows } from '../sort-spend-rows.js';
import { DAY_MS, HOUR_MS, epochDay, timeBucketLabel } from '../spend-group-label.js';
import { nanosToUsd, usdToNanos } from '../usd-nanos.js';

/** BIGINT and SUM come back from `pg` as strings; they are converted with Number (all stay below 2^53). */
interface LedgerRow {
  id: string;
  kind: LedgerEntryKind;
  request_id: string;
  attempt: number | null;
  key_id: string | null;
  team: string | null;
  deployment_id: string | null;
  input_tokens: string;
  output_tokens: string;
  cached_input_tokens: string;
  cost_usd: number;
  latency_ms: number;
  ttft_ms: number | null;
  outcome: OutcomeClass;
  error_code: string | null;
  decision_id: string | null;
  cache_hit: boolean;
  streamed: boolean;
  started_at: string;
  ended_at: string;
}

interface ReportRow {
  bucket: string | null;
  nanos: string;
  count: string;
  input_tokens: string;
  output_tokens: string;
  cached_input_tokens: string;
}

function toEntry(row: LedgerRow): LedgerEntry {
  const entry: LedgerEntry = {
    id: row.id,
    kind: row.kind,
    requestId: row.request_id,
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    cachedInputTokens: Number(row.cached_input_tokens),
    costUsd: row.cost_usd,
    latencyMs: row.latency_ms,
    outcome: row.outcome,
    cacheHit: row.cache_hit,
    streamed: row.streamed,
    startedAt: Number(row.started_at),
    endedAt: Number(row.ended_at),
  };
  if (row.attempt !== null) entry.attempt = row.attempt;
  if (row.key_id !== null) entry.keyId = row.key_id;
  if (row.team !== null) entry.team = row.team;
  if (row.deployment_id !== null) entry.deploymentId = row.deployment_id;
  if (row.ttft_ms !== null) entry.ttftMs = row.ttft_ms;
  if (row.error_code !== null) entry.errorCode = row.error_code;
  if (row.decision_id !== null) entry.decisionId = row.decision_id;
  return entry;
}

const GROUP_EXPRESSIONS: Record<SpendGroupBy, string> = {
  key: 'key_id',
  team: 'team',
  deployment: 'deployment_id',
  day: `(started_at / ${DAY_MS})::text`,
  hour: `(started_at / ${HOUR_MS})::text`,
};

const COLUMNS = [
  ['id', 'text'], ['kind', 'text'], ['request_id', 'text'], ['attempt', 'int4'], ['key_id', 'text'], ['team', 'text'],
  ['deployment_id', 'text'], ['input_tokens', 'int8'], ['output_tokens', 'int8'], ['cached_input_tokens', 'int8'],
  ['cost_usd', 'float8'], ['cost_nanos', 'int8'], ['latency_ms', 'float8'], ['ttft_ms', 'float8'], ['outcome', 'text'],
  ['error_code', 'text'], ['decision_id', 'text'], ['cache_hit', 'bool'], ['streamed', 'bool'], ['started_at', 'int8'], ['ended_at', 'int8'],
] as const;

// One statement per batch whatever its size: each column travels as one array parameter.
const INSERT_BATCH = `INSERT INTO ledger (${COLUMNS.map(([name]) => name).join(', ')})
  SELECT * FROM unnest(${COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')})
  ON CONFLICT (id) DO NOTHING
  RETURNING id`;

const ADD_DAILY = `INSERT INTO spend_daily (scope, scope_id, day, cost_nanos, requests)
  SELECT * FROM unnest($1::text[], $2::text[], $3::int4[], $4::int8[], $5::int8[])
  ON CONFLICT (scope, scope_id, day) DO UPDATE
    SET cost_nanos = spend_daily.cost_nanos + excluded.cost_nanos, requests = spend_daily.requests + excluded.requests`;

function columnValues(entry: LedgerEntry): unknown[] {
  return [
    entry.id, entry.kind, entry.requestId, entry.attempt ?? null, entry.keyId ?? null, entry.team ?? null,
    entry.deploymentId ?? null, entry.inputTokens, entry.outputTokens, entry.cachedInputTokens,
    entry.costUsd, usdToNanos(entry.costUsd), entry.latencyMs, entry.ttftMs ?? null, entry.outcome,
    entry.errorCode ?? null, entry.decisionId ?? null, entry.cacheHit, entry.streamed, entry.startedAt, entry.endedAt,
  ];
}

export class PostgresLedgerStore implements LedgerStore {
  constructor(private readonly pool: Pool) {}

  async appendEntries(entries: readonly LedgerEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const unique = [...new Map(entries.map((e) => [e.id, e])).values()];
    const columns: unknown[][] = COLUMNS.map(() => []);
    for (const entry of unique) columnValues(entry).forEach((value, i) => columns[i]?.push(value));
    const client = await this.pool.connect();
    // A checked-out client that loses its socket emits 'error'; unheard, that would crash the process.
    const onError = (): void => undefined;
    client.on('error', onError);
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const inserted = new Set((await client.query<{ id: string }>(INSERT_BATCH, columns)).rows.map((r) => r.id));
      const daily = dailyRollup(unique.filter((e) => e.kind === 'request' && inserted.has(e.id)));
      if (daily[0].length > 0) await client.query(ADD_DAILY, daily);
      await client.query('COMMIT');
    } catch (error) {
      broken = error as Error;
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.off('error', onError);
      // A client whose batch failed may have a dead socket: destroy it rather than pool it.
      client.release(broken);
    }
  }

  async spendByScope(fromMs: number): Promise<ScopeSpend[]> {
    const { rows } = await this.pool.query<{ scope: BudgetScope; scope_id: string; nanos: string }>(
      'SELECT scope, scope_id, SUM(cost_nanos) AS nanos FROM spend_daily WHERE day >= $1 GROUP BY scope, scope_id',
      [epochDay(fromMs)],
    );
    return rows.map((row) => ({ scope: row.scope, scopeId: row.scope_id, costUsd: nanosToUsd(Number(row.nanos)) }));
  }

  async spendReport(query: SpendReportQuery): Promise<SpendRow[]> {
    const kind: LedgerEntryKind = query.groupBy === 'deployment' ? 'attempt' : 'request';
    const { rows } = await this.pool.query<ReportRow>(
      `SELECT ${GROUP_EXPRESSIONS[query.groupBy]} AS bucket, SUM(cost_nanos) AS nanos, COUNT(*) AS count,
         SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens, SUM(cached_input_tokens) AS cached_input_tokens
       FROM ledger WHERE kind = $1 AND started_at >= $2 AND started_at < $3
         AND ($4::text IS NULL OR key_id = $4) AND ($5::text IS NULL OR team = $5)
       GROUP BY bucket`,
      [kind, query.from, query.to, query.keyId ?? null, query.team ?? null],
    );
    const out = rows.map((row) => ({
      group: label(query.groupBy, row.bucket),
      costUsd: nanosToUsd(Number(row.nanos)),
      count: Number(row.count),
      inputTokens: Number(row.input_tokens),
      outputTokens: Number(row.output_tokens),
      cachedInputTokens: Number(row.cached_input_tokens),
    }));
    return sortSpendRows(query.groupBy, out);
  }

  async listEntries(query: LedgerListQuery = {}): Promise<LedgerEntry[]> {
    const newestFirst = query.limit !== undefined;
    const { rows } = await this.pool.query<LedgerRow>(
      `SELECT * FROM ledger
       WHERE ($1::text IS NULL OR request_id = $1) AND ($2::int8 IS NULL OR started_at >= $2) AND ($3::int8 IS NULL OR started_at < $3)
       ORDER BY ${newestFirst ? 'started_at DESC, seq DESC' : 'started_at, seq'}
       LIMIT $4`,
      [query.requestId ?? null, query.from ?? null, query.to ?? null, query.limit ?? null],
    );
    return rows.map(toEntry);
  }

  async countEntries(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>('SELECT COUNT(*) AS n FROM ledger');
    return Number(rows[0]?.n ?? 0);
  }
}

/** Request spend of one batch per (scope, scope id, day), as unnest() column arrays. */
function dailyRollup(requests: readonly LedgerEntry[]): [string[], string[], number[], number[], number[]] {
  const totals = new Map<string, { scope: BudgetScope; scopeId: string; day: number; nanos: number; count: number }>();
  const add = (scope: BudgetScope, scopeId: string, day: number, nanos: number): void => {
    const id = `${scope}\u0000${scopeId}\u0000${day}`;
    const row = totals.get(id) ?? { scope, scopeId, day, nanos: 0, count: 0 };
    row.nanos += nanos;
    row.count += 1;
    totals.set(id, row);
  };
  for (const entry of requests) {
    const day = epochDay(entry.startedAt);
    const nanos = usdToNanos(entry.costUsd);
    add('global', GLOBAL_SCOPE_ID, day, nanos);
    if (entry.keyId !== undefined) add('key', entry.keyId, day, nanos);
    if (entry.team !== undefined) add('team', entry.team, day, nanos);
  }
  const rows = [...totals.values()];
  return [rows.map((r) => r.scope), rows.map((r) => r.scopeId), rows.map((r) => r.day), rows.map((r) => r.nanos), rows.map((r) => r.count)];
}

function label(groupBy: SpendGroupBy, bucket: string | null): string | null {
  if (bucket === null) return null;
  if (groupBy === 'day') return timeBucketLabel('day', Number(bucket) * DAY_MS);
  if (groupBy === 'hour') return timeBucketLabel('hour', Number(bucket) * HOUR_MS);
  return bucket;
}
