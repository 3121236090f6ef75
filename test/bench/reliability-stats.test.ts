import { describe, expect, it } from 'vitest';
import { histogram, percentile, roundUsd, summarize } from '../../bench/reliability-stats.js';

describe('reliability statistics', () => {
  it('percentiles by nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([], 50)).toBe(0);
  });

  it('counts attempts per request', () => {
    expect(histogram([1, 2, 1, 3, 1])).toEqual({ '1': 3, '2': 1, '3': 1 });
  });

  it('summarizes a run', () => {
    const summary = summarize([
      { ok: true, latencyMs: 10, attempts: 1 },
      { ok: true, latencyMs: 30, attempts: 2 },
      { ok: false, latencyMs: 20, attempts: 3 },
      { ok: true, latencyMs: 40, attempts: 1 },
    ]);
    expect(summary).toEqual({ requests: 4, succeeded: 3, successRate: 0.75, attemptsHistogram: { '1': 2, '2': 1, '3': 1 }, p50Ms: 20, p99Ms: 40 });
  });

  it('rounds money so that sums compare exactly', () => {
    expect(roundUsd(0.1 + 0.2)).toBe(0.3);
  });
});
