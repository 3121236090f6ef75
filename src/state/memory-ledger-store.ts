import { GLOBAL_SCOPE_ID } from './budget-record.js';
import type { LedgerEntry } from './ledger-entry.js';
import type { LedgerListQuery, LedgerStore, ScopeSpend, SpendReportQuery, SpendRow } from './ledger-store.js';
import { sortSpendRows } from './sort-spend-rows.js';
import { DAY_MS, epochDay, timeBucketLabel } from './spend-group-label.js';
import { nanosToUsd, usdToNanos } from './usd-nanos.js';

export class MemoryLedgerStore implements LedgerStore {
  private readonly entries: LedgerEntry[] = [];
  private readonly ids = new Set<string>();

  async appendEntries(entries: readonly LedgerEntry[]): Promise<void> {
    for (const entry of entries) {
      if (this.ids.has(entry.id)) continue;
      this.ids.add(entry.id);
      this.entries.push(structuredClone(entry));
    }
  }

  async spendByScope(fromMs: number): Promise<ScopeSpend[]> {
    const from = epochDay(fromMs) * DAY_MS;
    const totals = new Map<string, ScopeSpend & { nanos: number }>();
    const add = (scope: ScopeSpend['scope'], scopeId: string, nanos: number): void => {
      const id = `${scope}\u0000${scopeId}`;
      const row = totals.get(id) ?? { scope, scopeId, costUsd: 0, nanos: 0 };
      row.nanos += nanos;
      totals.set(id, row);
    };
    for (const e of this.entries) {
      if (e.kind !== 'request' || e.startedAt < from) continue;
      const nanos = usdToNanos(e.costUsd);
      add('global', GLOBAL_SCOPE_ID, nanos);
      if (e.keyId !== undefined) add('key', e.keyId, nanos);
      if (e.team !== undefined) add('team', e.team, nanos);
    }
    return [...totals.values()].map(({ scope, scopeId, nanos }) => ({ scope, scopeId, costUsd: nanosToUsd(nanos) }));
  }

  async spendReport(query: SpendReportQuery): Promise<SpendRow[]> {
    const kind = query.groupBy === 'deployment' ? 'attempt' : 'request';
    const groups = new Map<string | null, SpendRow & { nanos: number }>();
    for (const e of this.entries) {
      if (e.kind !== kind || e.startedAt < query.from || e.startedAt >= query.to) continue;
      if (query.keyId !== undefined && e.keyId !== query.keyId) continue;
      if (query.team !== undefined && e.team !== query.team) continue;
      const group = this.groupOf(query.groupBy, e);
      const row = groups.get(group) ?? { group, costUsd: 0, nanos: 0, count: 0, inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 };
      row.nanos += usdToNanos(e.costUsd);
      row.count += 1;
      row.inputTokens += e.inputTokens;
      row.outputTokens += e.outputTokens;
      row.cachedInputTokens += e.cachedInputTokens;
      groups.set(group, row);
    }
    const rows = [...groups.values()].map(({ nanos, ...row }) => ({ ...row, costUsd: nanosToUsd(nanos) }));
    return sortSpendRows(query.groupBy, rows);
  }

  async listEntries(query: LedgerListQuery = {}): Promise<LedgerEntry[]> {
    let rows = this.entries.filter(
      (e) =>
        (query.requestId === undefined || e.requestId === query.requestId) &&
        (query.from === undefined || e.startedAt >= query.from) &&
        (query.to === undefined || e.startedAt < query.to),
    );
    if (query.limit !== undefined) rows = rows.slice(-query.limit).reverse();
    return rows.map((e) => structuredClone(e));
  }

  async countEntries(): Promise<number> {
    return this.entries.length;
  }

  private groupOf(groupBy: SpendReportQuery['groupBy'], e: LedgerEntry): string | null {
    switch (groupBy) {
      case 'key':
        return e.keyId ?? null;
      case 'team':
        return e.team ?? null;
      case 'deployment':
        return e.deploymentId ?? null;
      case 'day':
      case 'hour':
        return timeBucketLabel(groupBy, e.startedAt);
    }
  }
}
