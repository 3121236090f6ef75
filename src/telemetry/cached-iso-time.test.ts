import { describe, expect, it } from 'vitest';
import { cachedIsoTime } from './cached-iso-time.js';

describe('cachedIsoTime', () => {
  it("writes what pino's isoTime writes, across millisecond, second, day and year boundaries", () => {
    let now = 0;
    const stamp = cachedIsoTime(() => now);
    const times = [Date.UTC(2026, 11, 31, 23, 59, 58, 990), Date.UTC(2026, 11, 6, 21, 43, 21, 0), 1_700_000_000_000, 0, -1, -1001];
    for (const start of times) {
      for (let step = 0; step < 1500; step += 1) {
        now = start + step * 7;
        expect(stamp()).toBe(`,"time":"${new Date(now).toISOString()}"`);
      }
      // Backwards too (a clock set back), within one second and across one.
      for (let step = 0; step < 300; step += 1) {
        now = start - step * 11;
        expect(stamp()).toBe(`,"time":"${new Date(now).toISOString()}"`);
      }
    }
  });
});
