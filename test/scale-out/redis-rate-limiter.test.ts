import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { RateLimiter } from '../../src/resilience/index.js';
import { RedisRateLimiter, connectRedis, createRedisClient } from '../../src/state/redis/index.js';
import { REDIS_URL, requireService } from '../support/require-service.js';
import { TcpProxy } from './tcp-proxy.js';
import { deleteKeys, testKeyPrefix } from './redis-test-keys.js';

const service = await requireService('redis');
const prefix = testKeyPrefix('rates');
const clients: Redis[] = [];

async function client(url = REDIS_URL): Promise<Redis> {
  const redis = createRedisClient({ url });
  clients.push(redis);
  await connectRedis(redis);
  return redis;
}

/** A clock the test moves by hand, shared by every limiter. */
const clock = { t: Date.UTC(2026, 10, 25, 12), now: () => clock.t };
const limits = { 'sim/x': { requestsPerMinute: 60 }, 'key:k1': { tokensPerMinute: 1000 } } as Record<string, { requestsPerMinute?: number; tokensPerMinute?: number }>;

async function limiters(keyPrefix: string, count: number, url = REDIS_URL): Promise<RedisRateLimiter[]> {
  return Promise.all(
    Array.from({ length: count }, async () => new RedisRateLimiter({ redis: await client(url), keyPrefix, limitFor: (key) => limits[key], now: clock.now, expectedProcesses: 3 })),
  );
}

describe.skipIf(service.skip)('RedisRateLimiter', () => {
  afterAll(async () => {
    await deleteKeys(clients[0] ?? (await client()), prefix);
    for (const c of clients) c.disconnect();
  });

  it('holds a 60 RPM deployment limit across three processes', async () => {
    const three = await limiters(`${prefix}rpm:`, 3);
    const results = await Promise.all(Array.from({ length: 150 }, (_, i) => three[i % 3]!.acquire('sim/x')));
    expect(results.filter(Boolean)).toHaveLength(60);
    clock.t += 30_000;
    expect(await three[0]!.acquire('sim/x')).toBe(false);
    // After one answer from Redis the process knows the window is full without asking again.
    expect(three[0]!.wouldExceed('sim/x')).toBe(true);
    clock.t += 31_000;
    const next = await Promise.all(Array.from({ length: 90 }, (_, i) => three[i % 3]!.acquire('sim/x')));
    expect(next.filter(Boolean)).toHaveLength(60);
  });

  it('counts tokens per API key, with corrections, and leaves unlimited keys alone', async () => {
    const [a, b] = await limiters(`${prefix}tpm:`, 2);
    expect(await a!.acquire('key:k1', { requests: 1, tokens: 600 })).toBe(true);
    expect(await b!.acquire('key:k1', { requests: 1, tokens: 600 })).toBe(false);
    await a!.add('key:k1', { tokens: -300 });
    expect(await b!.acquire('key:k1', { requests: 1, tokens: 600 })).toBe(true);
    expect(b!.usage('key:k1')).toEqual({ requests: 2, tokens: 900 });
    expect(await a!.acquire('sim/unlimited')).toBe(true);
  });

  it('fits the resilience RateLimiter shape', async () => {
    const [limiter] = await limiters(`${prefix}shape:`, 1);
    const asRateLimiter: RateLimiter = limiter!;
    expect(asRateLimiter.tryRecord('sim/x', { requests: 1 })).toBe(true);
    expect(asRateLimiter.usage('sim/x').requests).toBe(1);
  });

  it('falls back to its share of the limit while Redis is unreachable, and rejoins after', async () => {
    const proxy = TcpProxy.forUrl(REDIS_URL, 6379);
    await proxy.start();
    const events: string[] = [];
    const redis = await client(proxy.url(REDIS_URL));
    const limiter = new RedisRateLimiter({
      redis, keyPrefix: `${prefix}outage:`, limitFor: (key) => limits[key], now: clock.now, expectedProcesses: 3,
      onDegraded: (c) => events.push(`down:${c}`), onRecovered: (c) => events.push(`up:${c}`),
    });
    expect(await limiter.acquire('sim/x')).toBe(true);
    await proxy.stop();
    const during = await Promise.all(Array.from({ length: 30 }, () => limiter.acquire('sim/x')));
    expect(during.filter(Boolean)).toHaveLength(20);
    expect(limiter.degraded).toBe(true);
    await proxy.start();
    await expect.poll(async () => (await connectRedis(redis)) && limiter.acquire('sim/x'), { timeout: 10_000, interval: 100 }).toBe(true);
    expect(limiter.degraded).toBe(false);
    expect(events).toEqual(['down:rate_limits', 'up:rate_limits']);
    await proxy.stop();
  }, 20_000);
});
