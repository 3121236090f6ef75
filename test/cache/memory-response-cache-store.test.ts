import { describe, expect, it } from 'vitest';
import { MemoryResponseCacheStore } from '../../src/state/cache/memory-response-cache-store.js';

describe('MemoryResponseCacheStore', () => {
  it('expires entries by the injected clock', async () => {
    let now = 1_000;
    const store = new MemoryResponseCacheStore({ maxBytes: 10_000, now: () => now });
    await store.set('a', 'one', 5_000);
    now += 4_999;
    expect(await store.get('a')).toBe('one');
    now += 1;
    expect(await store.get('a')).toBeUndefined();
    expect(store.size).toBe(0);
    expect(store.bytes).toBe(0);
  });

  it('stays within its byte limit, evicting the least recently used first', async () => {
    const value = 'x'.repeat(100);
    const store = new MemoryResponseCacheStore({ maxBytes: 3 * (2 * 101 + 64) });
    await store.set('a', value, 60_000);
    await store.set('b', value, 60_000);
    await store.set('c', value, 60_000);
    expect(await store.get('a')).toBe(value); // a is now the most recent
    await store.set('d', value, 60_000);
    expect(await store.get('b')).toBeUndefined();
    expect(await store.get('a')).toBe(value);
    expect(await store.get('c')).toBe(value);
    expect(await store.get('d')).toBe(value);
    expect(store.bytes).toBeLessThanOrEqual(3 * (2 * 101 + 64));
  });

  it('refuses an entry larger than the whole cache', async () => {
    const store = new MemoryResponseCacheStore({ maxBytes: 100 });
    await store.set('a', 'x'.repeat(200), 60_000);
    expect(await store.get('a')).toBeUndefined();
    expect(store.bytes).toBe(0);
  });
});
