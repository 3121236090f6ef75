import { describe, expect, it } from 'vitest';
import { attemptDeadlines, requestDeadlineAt } from './deadline-plan.js';

describe('deadline plan', () => {
  it('takes the tightest of the server, timeout header and max latency', () => {
    expect(requestDeadlineAt({ startedAt: 1_000, serverTimeoutMs: 600_000 })).toBe(601_000);
    expect(requestDeadlineAt({ startedAt: 1_000, serverTimeoutMs: 600_000, timeoutMs: 5_000, maxLatencyMs: 8_000 })).toBe(6_000);
    expect(requestDeadlineAt({ startedAt: 1_000, timeoutMs: 5_000, maxLatencyMs: 2_000 })).toBe(3_000);
    expect(requestDeadlineAt({ startedAt: 1_000 })).toBeUndefined();
  });

  it('clips the attempt deadlines to what is left of the request', () => {
    expect(attemptDeadlines({ connectMs: 1_000, firstTokenMs: 10_000, idleMs: 5_000 }, 4_000, 1_000)).toEqual({
      connectMs: 1_000,
      firstTokenMs: 3_000,
      idleMs: 5_000,
      totalMs: 3_000,
    });
    expect(attemptDeadlines({ totalMs: 500 }, 4_000, 1_000)).toEqual({ totalMs: 500 });
    expect(attemptDeadlines({ idleMs: 7 }, undefined, 1_000)).toEqual({ idleMs: 7 });
  });

  it('refuses to start an attempt once the deadline has passed', () => {
    expect(() => attemptDeadlines({}, 1_000, 1_000)).toThrowError(expect.objectContaining({ code: 'total_timeout' }));
  });
});
