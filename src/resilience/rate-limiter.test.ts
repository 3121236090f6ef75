import { describe, expect, it } from 'vitest';
import { ManualClock } from './manual-clock.js';
import { SlidingWindowRateLimiter } from './rate-limiter.js';

describe('SlidingWindowRateLimiter', () => {
  const make = (clock: ManualClock) =>
    new SlidingWindowRateLimiter({ clock, limitFor: (key) => (key === 'd' ? { requestsPerMinute: 3, tokensPerMinute: 1_000 } : undefined) });

  it('reports a deployment at its RPM limit before it is called', () => {
    const limiter = make(new ManualClock());
    for (let i = 0; i < 3; i += 1) {
      expect(limiter.wouldExceed('d')).toBe(false);
      limiter.record('d', { requests: 1 });
    }
    expect(limiter.wouldExceed('d')).toBe(true);
    expect(limiter.tryRecord('d', { requests: 1 })).toBe(false);
    expect(limiter.usage('d')).toEqual({ requests: 3, tokens: 0 });
    expect(limiter.wouldExceed('other', { requests: 1_000_000 })).toBe(false);
  });

  it('counts tokens, including later corrections', () => {
    const limiter = make(new ManualClock());
    limiter.record('d', { requests: 1, tokens: 900 });
    expect(limiter.wouldExceed('d', { requests: 1, tokens: 200 })).toBe(true);
    limiter.record('d', { tokens: -300 });
    expect(limiter.wouldExceed('d', { requests: 1, tokens: 200 })).toBe(false);
  });

  it('frees capacity as buckets slide out of the minute', () => {
    const clock = new ManualClock(0);
    const limiter = make(clock);
    limiter.record('d', { requests: 2 });
    clock.advance(30_000);
    limiter.record('d', { requests: 1 });
    expect(limiter.wouldExceed('d')).toBe(true);
    clock.advance(30_000);
    expect(limiter.usage('d').requests).toBe(1);
    expect(limiter.wouldExceed('d')).toBe(false);
    clock.advance(120_000);
    expect(limiter.usage('d')).toEqual({ requests: 0, tokens: 0 });
  });
});
