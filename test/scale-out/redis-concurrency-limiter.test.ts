import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisConcurrencyLimiter, connectRedis, createRedisClient } from '../../src/state/redis/index.js';
import { REDIS_URL, requireService } from '../support/require-service.js';
import { deleteKeys, testKeyPrefix } from './redis-test-keys.js';

const service = await requireService('redis');
const prefix = testKeyPrefix('inflight');
const clients: Redis[] = [];

async function limiter(keyPrefix: string, leaseMs?: number): Promise<RedisConcurrencyLimiter> {
  const redis = createRedisClient({ url: REDIS_URL });
  clients.push(redis);
  await connectRedis(redis);
  return new RedisConcurrencyLimiter({ redis, keyPrefix, limitFor: (key) => (key === 'sim/x' ? 5 : undefined), ...(leaseMs === undefined ? {} : { leaseMs }) });
}

describe.skipIf(service.skip)('RedisConcurrencyLimiter', () => {
  afterAll(async () => {
    if (clients[0]) await deleteKeys(clients[0], prefix);
    for (const c of clients) c.disconnect();
  });

  it('caps in-flight requests across processes and frees slots on release', async () => {
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => limiter(`${prefix}cap:`)));
    const slots = await Promise.all(Array.from({ length: 12 }, (_, i) => [a, b, c][i % 3]!.tryAcquire('sim/x')));
    const held = slots.filter((s) => s !== undefined);
    expect(held).toHaveLength(5);
    held[0]!();
    held[0]!();
    await expect.poll(() => b!.tryAcquire('sim/x').then((s) => s !== undefined), { timeout: 2000, interval: 10 }).toBe(true);
    expect(await c!.tryAcquire('sim/x')).toBeUndefined();
    expect(c!.isSaturated('sim/x')).toBe(true);
    expect(await a!.tryAcquire('sim/unlimited')).toBeDefined();
    for (const l of [a, b, c]) l!.close();
  });

  it('frees the slots of a process that stopped renewing them', async () => {
    const crashed = await limiter(`${prefix}lease:`, 200);
    const survivor = await limiter(`${prefix}lease:`, 200);
    for (let i = 0; i < 5; i += 1) expect(await crashed.tryAcquire('sim/x')).toBeDefined();
    crashed.close();
    expect(await survivor.tryAcquire('sim/x')).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await survivor.tryAcquire('sim/x')).toBeDefined();
    survivor.close();
  });
});
