import { describe, expect, it } from 'vitest';
import { periodEnd, periodStart } from '../../src/accounting/index.js';

describe('budget periods (UTC calendar)', () => {
  // Wednesday 2026-11-25 13:45 UTC.
  const now = Date.UTC(2026, 10, 25, 13, 45);

  it('starts days at midnight, weeks on Monday, months on the 1st, total at the epoch', () => {
    expect(new Date(periodStart('day', now)).toISOString()).toBe('2026-11-25T00:00:00.000Z');
    expect(new Date(periodStart('week', now)).toISOString()).toBe('2026-11-23T00:00:00.000Z');
    expect(new Date(periodStart('month', now)).toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(periodStart('total', now)).toBe(0);
  });

  it('ends each period where the next starts', () => {
    expect(new Date(periodEnd('day', now) ?? 0).toISOString()).toBe('2026-11-26T00:00:00.000Z');
    expect(new Date(periodEnd('week', now) ?? 0).toISOString()).toBe('2026-11-30T00:00:00.000Z');
    expect(new Date(periodEnd('month', Date.UTC(2026, 11, 31, 23)) ?? 0).toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(periodEnd('total', now)).toBeUndefined();
  });

  it('puts Sunday in the week that began the Monday before, and Monday in its own', () => {
    expect(new Date(periodStart('week', Date.UTC(2026, 10, 29, 23, 59))).toISOString()).toBe('2026-11-23T00:00:00.000Z');
    expect(new Date(periodStart('week', Date.UTC(2026, 10, 30))).toISOString()).toBe('2026-11-30T00:00:00.000Z');
  });
});
