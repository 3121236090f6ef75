import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisResponseCacheStore } from '../../src/state/cache/redis-response-cache-store.js';
import { SqliteResponseCacheStore } from '../../src/state/cache/sqlite-response-cache-store.js';
import { REDIS_URL, requireService } from '../support/require-service.js';
import { deleteKeys, testKeyPrefix } from '../scale-out/redis-test-keys.js';

const flushed = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('SqliteResponseCacheStore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-cache-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps entries across a reopen, expires them by the clock, and stays within its byte limit', async () => {
    let now = 1_000;
    const path = join(dir, 'cache.sqlite');
    const store = new SqliteResponseCacheStore({ path, maxBytes: 10_000, now: () => now });
    await store.set('a', 'alpha', 60_000);
    expect(await store.get('a')).toBe('alpha'); // read before the write is flushed
    await flushed();
    await store.close();
    const reopened = new SqliteResponseCacheStore({ path, maxBytes: 10_000, now: () => now });
    expect(await reopened.get('a')).toBe('alpha');
    now += 60_000;
    expect(await reopened.get('a')).toBeUndefined();
    for (let i = 0; i < 20; i += 1) {
      now += 1;
      await reopened.set(`k${i}`, 'x'.repeat(1_000), 60_000);
      await flushed();
    }
    expect(await reopened.get('k0')).toBeUndefined();
    expect(await reopened.get('k19')).toBe('x'.repeat(1_000));
    await reopened.close();
  });
});

const redis = await requireService('redis');

describe.skipIf(redis.skip)('RedisResponseCacheStore', () => {
  const prefix = testKeyPrefix('cache');
  const client = new Redis(REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 1 });
  afterAll(async () => {
    await deleteKeys(client, prefix);
    client.disconnect();
  });

  it('stores with a TTL in Redis and reads back', async () => {
    const store = new RedisResponseCacheStore({ client, keyPrefix: prefix });
    await store.set('a', 'alpha', 60_000);
    expect(await store.get('a')).toBe('alpha');
    const ttl = await client.pttl(`${prefix}a`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    await store.delete('a');
    expect(await store.get('a')).toBeUndefined();
  });

  it('behaves as a miss when Redis is unreachable', async () => {
    const errors: unknown[] = [];
    const dead = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    dead.on('error', () => undefined);
    const store = new RedisResponseCacheStore({ client: dead, keyPrefix: prefix, onError: (e) => errors.push(e) });
    expect(await store.get('a')).toBeUndefined();
    await store.set('a', 'x', 1000);
    expect(errors.length).toBe(2);
    dead.disconnect();
  });
});
