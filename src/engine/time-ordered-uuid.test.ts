import { describe, expect, it } from 'vitest';
import { timeOrderedUuid } from './time-ordered-uuid.js';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('timeOrderedUuid', () => {
  it('is a version 7 UUID carrying the time in its first 48 bits', () => {
    const id = timeOrderedUuid(1_765_000_000_123);
    expect(id).toMatch(V7);
    expect(Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(1_765_000_000_123);
  });

  it('sorts by time and does not repeat within one millisecond', () => {
    const earlier = timeOrderedUuid(1_000);
    const later = timeOrderedUuid(1_001);
    expect(earlier < later).toBe(true);
    const same = new Set(Array.from({ length: 1000 }, () => timeOrderedUuid(5_000)));
    expect(same.size).toBe(1000);
  });

  it('writes every time from 0 to 2^48 - 1 and draws the variant bits at random', () => {
    expect(timeOrderedUuid(0).slice(0, 15)).toBe('00000000-0000-7');
    expect(timeOrderedUuid(2 ** 48 - 1).slice(0, 15)).toBe('ffffffff-ffff-7');
    const ids = Array.from({ length: 1000 }, (_, index) => timeOrderedUuid(index));
    for (const id of ids) expect(id).toMatch(V7);
    expect(new Set(ids.map((id) => id[19])).size).toBe(4);
    // Every random digit takes many values over the ids (a stuck digit would show here).
    for (const at of [15, 16, 17, 20, 21, 22, 24, 29, 35]) expect(new Set(ids.map((id) => id[at])).size).toBeGreaterThan(10);
  });
});
