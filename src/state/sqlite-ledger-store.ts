import type { Database, Statement } from 'better-sqlite3';
import type { OutcomeClass } from '../spec/outcome-class.js';
import type { BudgetScope } from './budget-record.js';
import type { LedgerEntry, LedgerEntryKind } from './ledger-entry.js';
import type { LedgerListQuery, LedgerStore, ScopeSpend, SpendGroupBy, SpendReportQuery, SpendRow } from './ledger-store.js';
import { sortSpendRows } from './sort-spend-rows.js';
import { prepareLedgerAppend, toLedgerRowValues, type LedgerRowValues } from './sqlite-ledger-append.js';
import type { SqliteJobChannel } from './sqlite-job-thread.js';
import { DAY_MS, HOUR_MS, epochDay, timeBucketLabel } from './spend-group-label.js';
import { nanosToUsd } from './usd-nanos.js';
import type { WalSyncer } from './wal-syncer.js';

interface LedgerRow {
  id: string;
  kind: LedgerEntryKind;
  request_id: string;
  attempt: number | null;
  key_id: string | null;
  team: string | null;
  deployment_id: string | null;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  cost_usd: number;
  latency_ms: number;
  ttft_ms: number | null;
  outcome: OutcomeClass;
  error_code: string | null;
  decision_id: string | null;
  cache_hit: number;
  streamed: number;
  started_at: number;
  ended_at: number;
}

interface ReportRow {
  bucket: string | number | null;
  nanos: number;
  count: number;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
}

interface ReportParams {
  kind: LedgerEntryKind;
  from: number;
  to: number;
  keyId: string | null;
  team: string | null;
}

interface ListParams {
  requestId: string | null;
  from: number | null;
  to: number | null;
  limit: number;
}

function toEntry(row: LedgerRow): LedgerEntry {
  const entry: LedgerEntry = {
    id: row.id,
    kind: row.kind,
    requestId: row.request_id,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    cachedInputTokens: row.cached_input_tokens,
    costUsd: row.cost_usd,
    latencyMs: row.latency_ms,
    outcome: row.outcome,
    cacheHit: row.cache_hit === 1,
    streamed: row.streamed === 1,
    startedAt: row.started_at,
    endedAt: row.ended_at,
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

/** SQL expression for each grouping; time buckets come back as bucket numbers and get labelled here. */
const GROUP_EXPRESSIONS: Record<SpendGroupBy, string> = {
  key: 'key_id',
  team: 'team',
  deployment: 'deployment_id',
  day: `started_at / ${DAY_MS}`,
  hour: `started_at / ${HOUR_MS}`,
};

export interface SqliteLedgerStoreOptions {
  /** Syncs the WAL after batches written on this connection. */
  walSyncer?: WalSyncer;
  /** The ledger's job in the SQLite writer thread: writes the batches on a connection of its own, off the event loop, while it is usable. */
  thread?: SqliteJobChannel;
}

/**
 * The ledger in the store's SQLite file. Reads run on the store's connection; batches go to the
 * ledger's job in the SQLite writer thread when there is one (see SqliteStore) and are written here otherwise.
 */
export class SqliteLedgerStore implements LedgerStore {
  private readonly append: (rows: readonly LedgerRowValues[]) => void;
  private readonly spendSince: Statement<[number], { scope: BudgetScope; scope_id: string; nanos: number }>;
  private readonly reports: Record<SpendGroupBy, Statement<[ReportParams], ReportRow>>;
  private readonly list: Statement<[ListParams], LedgerRow>;
  private readonly count: Statement<[], { n: number }>;

  /** Syncs the WAL after each batch written here when SQLite itself does not (synchronous=NORMAL). */
  private readonly walSyncer: WalSyncer | undefined;
  private readonly thread: SqliteJobChannel | undefined;

  constructor(db: Database, options: SqliteLedgerStoreOptions = {}) {
    this.walSyncer = options.walSyncer;
    this.thread = options.thread;
    this.append = prepareLedgerAppend(db);
    this.spendSince = db.prepare(`SELECT scope, scope_id, SUM(cost_nanos) AS nanos FROM spend_daily
      WHERE day >= ? GROUP BY scope, scope_id`);
    const report = (groupBy: SpendGroupBy) =>
      db.prepare<[ReportParams], ReportRow>(`SELECT ${GROUP_EXPRESSIONS[groupBy]} AS bucket,
        SUM(cost_nanos) AS nanos, COUNT(*) AS count, SUM(input_tokens) AS input_tokens,
        SUM(output_tokens) AS output_tokens, SUM(cached_input_tokens) AS cached_input_tokens
        FROM ledger WHERE kind = @kind AND started_at >= @from AND started_at < @to
          AND (@keyId IS NULL OR key_id = @keyId) AND (@team IS NULL OR team = @team)
        GROUP BY bucket`);
    this.reports = { key: report('key'), team: report('team'), deployment: report('deployment'), day: report('day'), hour: report('hour') };
    // Newest-first when limited (the last rows), oldest-first otherwise; -1 means no limit.
    this.list = db.prepare(`SELECT * FROM ledger
      WHERE (@requestId IS NULL OR request_id = @requestId) AND (@from IS NULL OR started_at >= @from) AND (@to IS NULL OR started_at < @to)
      ORDER BY CASE WHEN @limit < 0 THEN started_at ELSE -started_at END, CASE WHEN @limit < 0 THEN rowid ELSE -rowid END
      LIMIT @limit`);
    this.count = db.prepare('SELECT COUNT(*) AS n FROM ledger');
  }

  async appendEntries(entries: readonly LedgerEntry[]): Promise<void> {
    if (entries.length === 0) return;
    // The thread replies after its commit, so reads on this connection see the rows once this resolves (WAL).
    if (this.thread?.usable === true) return this.thread.run(entries.map(toLedgerRowValues));
    this.append(entries.map(toLedgerRowValues));
    await this.walSyncer?.sync();
  }

  async spendByScope(fromMs: number): Promise<ScopeSpend[]> {
    return this.spendSince
      .all(epochDay(fromMs))
      .map((row) => ({ scope: row.scope, scopeId: row.scope_id, costUsd: nanosToUsd(row.nanos) }));
  }

  async spendReport(query: SpendReportQuery): Promise<SpendRow[]> {
    const kind: LedgerEntryKind = query.groupBy === 'deployment' ? 'attempt' : 'request';
    const rows = this.reports[query.groupBy]
      .all({ kind, from: query.from, to: query.to, keyId: query.keyId ?? null, team: query.team ?? null })
      .map((row) => ({
        group: this.label(query.groupBy, row.bucket),
        costUsd: nanosToUsd(row.nanos),
        count: row.count,
        inputTokens: row.input_tokens,
        outputTokens: row.output_tokens,
        cachedInputTokens: row.cached_input_tokens,
      }));
    return sortSpendRows(query.groupBy, rows);
  }

  async listEntries(query: LedgerListQuery = {}): Promise<LedgerEntry[]> {
    return this.list
      .all({ requestId: query.requestId ?? null, from: query.from ?? null, to: query.to ?? null, limit: query.limit ?? -1 })
      .map(toEntry);
  }

  async countEntries(): Promise<number> {
    return this.count.get()?.n ?? 0;
  }

  private label(groupBy: SpendGroupBy, bucket: string | number | null): string | null {
    if (bucket === null) return null;
    if (groupBy === 'day') return timeBucketLabel('day', Number(bucket) * DAY_MS);
    if (groupBy === 'hour') return timeBucketLabel('hour', Number(bucket) * HOUR_MS);
    return String(bucket);
  }
}
