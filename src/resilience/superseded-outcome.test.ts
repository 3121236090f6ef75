import { describe, expect, it } from 'vitest';
import { toGatewayError } from '../errors/gateway-error.js';
import { isFailedOutcome } from '../spec/outcome-class.js';
import { BreakerRegistry } from './breaker-registry.js';
import { planFallback } from './fallback-action.js';
import { LiveStatsTracker } from './live-stats-tracker.js';
import { ManualClock } from './manual-clock.js';
import { supersededError } from './run-attempt-legs.js';

describe('the superseded outcome class', () => {
  it('is what the errors table gives a leg aborted because a sibling answered first', () => {
    const error = toGatewayError(supersededError('a/x'));
    expect(error.code).toBe('superseded');
    expect(error.outcome).toBe('superseded');
    expect(isFailedOutcome(error.outcome)).toBe(false);
    expect(isFailedOutcome('network')).toBe(true);
  });

  it('never moves a breaker, however many legs lose', () => {
    const clock = new ManualClock(1_000_000);
    const breakers = new BreakerRegistry({ clock, consecutiveFailures: 2, minimumVolume: 1, failureRateThreshold: 0.1 });
    for (let i = 0; i < 5; i += 1) {
      const ticket = breakers.tryAcquire('a/x');
      expect(ticket).toBeDefined();
      if (ticket !== undefined) breakers.recordError(ticket, supersededError('a/x'));
    }
    expect(breakers.state('a/x')).toBe('closed');
    expect(breakers.refusal('a/x')).toBeUndefined();
  });

  it('counts in live stats as neither a success nor a failure', () => {
    const tracker = new LiveStatsTracker({ clock: new ManualClock(1_000_000) });
    tracker.begin('a/x');
    tracker.end('a/x', { outcome: toGatewayError(supersededError('a/x')).outcome, latencyMs: 300 });
    tracker.begin('a/x');
    tracker.end('a/x', { outcome: 'ok', latencyMs: 100, ttftMs: 50 });
    const stats = tracker.snapshot('a/x');
    expect(stats.errorRate).toBe(0);
    expect(stats.samples).toBe(1);
    expect(stats.ewmaLatencyMs).toBe(100);
  });

  it('is never retried or fallen back from', () => {
    const action = planFallback({ outcome: 'superseded', current: 'a/x', mayRetrySame: true, remaining: ['a/x', 'b/y'], tried: new Set(['a/x']), profiles: new Map() });
    expect(action.kind).toBe('return_error');
  });
});
