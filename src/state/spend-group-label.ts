import type { SpendGroupBy } from './ledger-store.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** The time bucket an entry started in, as a report label: `2026-11-25` or `2026-11-25T13`. */
export function timeBucketLabel(groupBy: Extract<SpendGroupBy, 'day' | 'hour'>, startedAt: number): string {
  if (groupBy === 'day') return new Date(Math.floor(startedAt / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
  return new Date(Math.floor(startedAt / HOUR_MS) * HOUR_MS).toISOString().slice(0, 13);
}

/** Start of the UTC day containing `ms`, as a day number since the epoch. */
export function epochDay(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

export { DAY_MS, HOUR_MS };
