import { describe, expect, it } from 'vitest';
import { finished } from '../../test/dashboard/telemetry-fixtures.js';
import { LogHistogram } from './log-histogram.js';
import { parseWindow } from './parse-window.js';
import { RollingStats } from './rolling-stats.js';

describe('LogHistogram', () => {
  it('reports quantiles within the bin error', () => {
    const histogram = new LogHistogram();
    for (let ms = 1; ms <= 1000; ms++) histogram.add(ms);
    for (const [q, exact] of [[0.5, 500], [0.95, 950], [0.99, 990]] as const) {
      const value = histogram.quantile(q)!;
      expect(Math.abs(value - exact) / exact).toBeLessThan(0.07);
    }
    expect(new LogHistogram().quantile(0.5)).toBeUndefined();
  });
});

describe('parseWindow', () => {
  it('reads units and "all"', () => {
    expect(parseWindow('30s')).toBe(30_000);
    expect(parseWindow('5m')).toBe(300_000);
    expect(parseWindow('1h')).toBe(3_600_000);
    expect(parseWindow('all')).toBeUndefined();
    expect(() => parseWindow('5 minutes')).toThrow(/window must look like/);
  });
});

describe('RollingStats', () => {
  it('splits calls per deployment and totals per gateway, and forgets what left the window', () => {
    let now = 1_000_000;
    const stats = new RollingStats({ now: () => now });
    // A request that failed over: a/x overloaded, then b/y answered.
    stats.requestFinished(
      finished('r1', 'b/y', {
        attempts: [
          { deploymentId: 'a/x', role: 'first', outcome: 'overloaded', latencyMs: 40 },
          { deploymentId: 'b/y', role: 'fallback', outcome: 'ok', latencyMs: 1000, ttftMs: 300 },
        ],
        usage: { inputTokens: 10, outputTokens: 100 },
        costUsd: 0.02,
        latencyMs: 1040,
      }),
    );
    stats.requestFinished(finished('r2', 'a/x', { costUsd: 0.01, latencyMs: 500 }));
    const report = stats.report(300_000);
    expect(report.gateway.requests).toBe(2);
    expect(report.gateway.errors).toBe(0);
    expect(report.gateway.costUsd.total).toBeCloseTo(0.03);
    const a = report.deployments.find((d) => d.deploymentId === 'a/x')!;
    const b = report.deployments.find((d) => d.deploymentId === 'b/y')!;
    expect(a.requests).toBe(2);
    expect(a.errors).toBe(1);
    expect(a.errorRateByClass).toEqual({ overloaded: 0.5 });
    expect(b.requests).toBe(1);
    expect(b.costUsd.total).toBeCloseTo(0.02);
    expect(b.tokens.output).toBe(100);
    expect(b.outputTokensPerSecond).toBe(100);
    expect(b.ttftMs.p50).toBeGreaterThan(280);
    expect(b.ttftMs.p50).toBeLessThan(320);

    now += 10 * 60_000;
    stats.requestFinished(finished('r3', 'a/x', { outcome: 'timeout', status: 504, errorCode: 'total_timeout', usage: undefined, costUsd: 0, attempts: [{ deploymentId: 'a/x', role: 'first', outcome: 'timeout', latencyMs: 30_000 }] }));
    const recent = stats.report(300_000);
    expect(recent.gateway.requests).toBe(1);
    expect(recent.gateway.errorRateByClass).toEqual({ timeout: 1 });
    expect(recent.deployments.map((d) => d.deploymentId)).toEqual(['a/x']);
    expect(stats.report(3_600_000).gateway.requests).toBe(3);
    expect(stats.report().gateway.requests).toBe(3);
  });

  it('leaves a hedge or race leg that lost out of its deployment\'s calls and errors', () => {
    const stats = new RollingStats({ now: () => 1_000_000 });
    stats.requestFinished(
      finished('h1', 'b/y', {
        attempts: [
          { deploymentId: 'a/x', role: 'first', outcome: 'superseded', errorCode: 'superseded', latencyMs: 300 },
          { deploymentId: 'b/y', role: 'hedge', outcome: 'ok', latencyMs: 80 },
        ],
      }),
    );
    const report = stats.report(300_000);
    expect(report.deployments.map((d) => d.deploymentId)).toEqual(['b/y']);
    expect(report.deployments[0]).toMatchObject({ requests: 1, errors: 0 });
  });

  it('gives a chart series with every slot present', () => {
    let now = 1_000_000;
    const stats = new RollingStats({ now: () => now });
    stats.requestFinished(finished('r1', 'a/x', { costUsd: 0.5 }));
    now += 20_000;
    stats.requestFinished(finished('r2', 'b/y'));
    const series = stats.series(60_000);
    expect(series.stepMs).toBe(10_000);
    expect(series.points).toHaveLength(6);
    expect(series.points.reduce((sum, p) => sum + p.requests, 0)).toBe(2);
    expect(series.points.at(-1)!.byDeployment).toEqual({ 'b/y': 1 });
    expect(series.points.find((p) => p.byDeployment['a/x'] === 1)!.costUsd).toBe(0.5);
  });

  it('uses coarse slots for windows past an hour', () => {
    let now = 10_000_000;
    const stats = new RollingStats({ now: () => now });
    stats.requestFinished(finished('r1', 'a/x'));
    now += 3 * 3_600_000;
    stats.requestFinished(finished('r2', 'a/x'));
    expect(stats.report(3_600_000).gateway.requests).toBe(1);
    expect(stats.report(6 * 3_600_000).gateway.requests).toBe(2);
  });
});
