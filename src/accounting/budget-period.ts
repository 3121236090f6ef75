import type { BudgetPeriod } from '../state/budget-record.js';

const DAY_MS = 86_400_000;

/**
 * Start of the period containing `nowMs`, in UTC: days start at 00:00, weeks on Monday 00:00
 * (ISO 8601), months on the 1st at 00:00. A `total` budget has one period that began at the epoch.
 */
export function periodStart(period: BudgetPeriod, nowMs: number): number {
  const day = Math.floor(nowMs / DAY_MS) * DAY_MS;
  switch (period) {
    case 'day':
      return day;
    case 'week': {
      // getUTCDay: Sunday = 0; shift so Monday = 0.
      const sinceMonday = (new Date(day).getUTCDay() + 6) % 7;
      return day - sinceMonday * DAY_MS;
    }
    case 'month': {
      const d = new Date(nowMs);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    }
    case 'total':
      return 0;
  }
}

/** When the period containing `nowMs` ends and the budget starts again from zero; undefined for `total`. */
export function periodEnd(period: BudgetPeriod, nowMs: number): number | undefined {
  const start = periodStart(period, nowMs);
  switch (period) {
    case 'day':
      return start + DAY_MS;
    case 'week':
      return start + 7 * DAY_MS;
    case 'month': {
      const d = new Date(start);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    }
    case 'total':
      return undefined;
  }
}
