import type { SpendGroupBy, SpendRow } from './ledger-store.js';

/** One order for every store: time buckets chronologically, everything else by cost, highest first. */
export function sortSpendRows(groupBy: SpendGroupBy, rows: SpendRow[]): SpendRow[] {
  const byLabel = (a: SpendRow, b: SpendRow): number => {
    if (a.group === b.group) return 0;
    if (a.group === null) return 1;
    if (b.group === null) return -1;
    return a.group < b.group ? -1 : 1;
  };
  if (groupBy === 'day' || groupBy === 'hour') return rows.sort(byLabel);
  return rows.sort((a, b) => b.costUsd - a.costUsd || byLabel(a, b));
}
