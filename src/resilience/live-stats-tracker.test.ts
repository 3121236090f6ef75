import { describe, expect, it } from 'vitest';
import { LiveStatsTracker } from './live-stats-tracker.js';
import { ManualClock } from './manual-clock.js';

describe('LiveStatsTracker', () => {
  it('tracks in-flight requests and EWMAs of latency and TTFT', () => {
    const tracker = new LiveStatsTracker({ alpha: 0.5, clock: new ManualClock() });
    tracker.begin('d');
    tracker.begin('d');
    expect(tracker.snapshot('d')).toMatchObject({ deploymentId: 'd', inFlight: 2, samples: 0, breaker: 'closed' });
    tracker.end('d', { outcome: 'ok', latencyMs: 1_000, ttftMs: 200 });
    tracker.end('d', { outcome: 'ok', latencyMs: 2_000, ttftMs: 400 });
    expect(tracker.snapshot('d')).toMatchObject({ inFlight: 0, samples: 2, ewmaLatencyMs: 1_500, ewmaTtftMs: 300 });
    expect([tracker.ewmaLatencyMs('d'), tracker.ewmaLatencyMs('unseen')]).toEqual([1_500, undefined]);
  });

  it('keeps a rolling p95 of TTFT over the last samples', () => {
    const tracker = new LiveStatsTracker({ ttftSamples: 100, clock: new ManualClock() });
    for (let i = 1; i <= 100; i += 1) tracker.observe('d', { outcome: 'ok', ttftMs: i });
    expect(tracker.p95TtftMs('d')).toBe(95);
    for (let i = 0; i < 100; i += 1) tracker.observe('d', { outcome: 'ok', ttftMs: 1_000 + i });
    expect(tracker.p95TtftMs('d')).toBe(1_094);
    expect(tracker.p95TtftMs('unknown')).toBeUndefined();
  });

  it('error rate counts only server-side classes and forgets old buckets', () => {
    const clock = new ManualClock(0);
    const tracker = new LiveStatsTracker({ clock, errorWindowMs: 60_000, errorBuckets: 6 });
    tracker.observe('d', { outcome: 'ok' });
    tracker.observe('d', { outcome: 'server_error' });
    tracker.observe('d', { outcome: 'invalid_request' });
    tracker.observe('d', { outcome: 'rate_limited' });
    tracker.observe('d', { outcome: 'context_overflow' });
    expect(tracker.snapshot('d').errorRate).toBe(0.5);
    clock.advance(30_000);
    tracker.observe('d', { outcome: 'ok' });
    tracker.observe('d', { outcome: 'ok' });
    expect(tracker.snapshot('d').errorRate).toBe(0.25);
    clock.advance(40_000);
    expect(tracker.snapshot('d').errorRate).toBe(0);
    clock.advance(60_000);
    expect(tracker.snapshot('d').errorRate).toBeUndefined();
  });

  it('takes breaker state and saturation from its sources', () => {
    const tracker = new LiveStatsTracker({ breakerState: () => 'open', saturated: (id) => id === 'busy' });
    expect(tracker.snapshot('busy')).toMatchObject({ breaker: 'open', saturated: true });
    tracker.observe('x', { outcome: 'ok', latencyMs: 5 });
    expect([...tracker.all().keys()]).toEqual(['x']);
  });

  it('snapshots only the deployments asked for, as all() has them, leaving out unseen ones', () => {
    const tracker = new LiveStatsTracker({ clock: new ManualClock() });
    tracker.observe('a', { outcome: 'ok', latencyMs: 5 });
    tracker.observe('b', { outcome: 'server_error' });
    tracker.observe('c', { outcome: 'ok', latencyMs: 7 });
    const some = tracker.some(['c', 'a', 'never']);
    expect([...some.keys()]).toEqual(['c', 'a']);
    expect(some.get('a')).toEqual(tracker.all().get('a'));
    expect(some.get('c')).toEqual(tracker.all().get('c'));
  });
});
