import { describe, expect, it } from 'vitest';
import { ManualClock } from './manual-clock.js';
import { SlidingWindowRetryBudget } from './retry-budget.js';

describe('SlidingWindowRetryBudget', () => {
  it('allows the minimum per window even with no traffic', () => {
    const budget = new SlidingWindowRetryBudget({ clock: new ManualClock(), minRetriesPerWindow: 3 });
    expect([1, 2, 3, 4].map(() => budget.tryAcquireRetry())).toEqual([true, true, true, false]);
  });

  it('caps retries at the ratio of first attempts', () => {
    const budget = new SlidingWindowRetryBudget({ clock: new ManualClock(), ratio: 0.2, minRetriesPerWindow: 1 });
    for (let i = 0; i < 100; i += 1) budget.recordAttempt();
    let granted = 0;
    for (let i = 0; i < 100; i += 1) if (budget.tryAcquireRetry()) granted += 1;
    expect(granted).toBe(20);
    expect(budget.snapshot()).toEqual({ attempts: 100, retries: 20, allowed: 20 });
  });

  it('forgets attempts and retries as they slide out of the window', () => {
    const clock = new ManualClock(1_000_000);
    const budget = new SlidingWindowRetryBudget({ clock, ratio: 0.5, windowMs: 10_000, buckets: 10, minRetriesPerWindow: 0 });
    for (let i = 0; i < 10; i += 1) budget.recordAttempt();
    for (let i = 0; i < 5; i += 1) expect(budget.tryAcquireRetry()).toBe(true);
    expect(budget.tryAcquireRetry()).toBe(false);
    clock.advance(5_000);
    for (let i = 0; i < 10; i += 1) budget.recordAttempt();
    expect(budget.snapshot()).toMatchObject({ attempts: 20, retries: 5, allowed: 10 });
    clock.advance(5_000);
    // The first ten attempts and five retries have left the window.
    expect(budget.snapshot()).toMatchObject({ attempts: 10, retries: 0, allowed: 5 });
    clock.advance(60_000);
    expect(budget.snapshot()).toMatchObject({ attempts: 0, retries: 0 });
  });
});
