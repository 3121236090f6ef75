import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { BreakerRegistry, type BreakerRecord } from '../../src/resilience/index.js';
import { RedisBreakerStore, connectRedis, createRedisClient } from '../../src/state/redis/index.js';
import { REDIS_URL, requireService } from '../support/require-service.js';
import { deleteKeys, testKeyPrefix } from './redis-test-keys.js';

const service = await requireService('redis');
const prefix = testKeyPrefix('breakers');
const clients: Redis[] = [];

async function client(): Promise<Redis> {
  const redis = createRedisClient({ url: REDIS_URL });
  clients.push(redis);
  await connectRedis(redis);
  return redis;
}

async function gateway(keyPrefix: string): Promise<{ registry: BreakerRegistry; store: RedisBreakerStore<BreakerRecord> }> {
  const store = new RedisBreakerStore<BreakerRecord>({ redis: await client(), subscriber: await client(), keyPrefix });
  await store.start();
  return { store, registry: new BreakerRegistry({ store, consecutiveFailures: 3, cooldownMs: 60_000 }) };
}

describe.skipIf(service.skip)('RedisBreakerStore', () => {
  afterAll(async () => {
    await deleteKeys(clients[0] ?? (await client()), prefix);
    for (const c of clients) c.disconnect();
  });

  it('opens the breaker in every process when failures in one open it', async () => {
    const keyPrefix = `${prefix}open:`;
    const [a, b, c] = await Promise.all([gateway(keyPrefix), gateway(keyPrefix), gateway(keyPrefix)]);
    const seen: string[] = [];
    b!.store.onRemoteChange((id, record) => seen.push(`${id}:${record.state}`));
    expect(b!.registry.tryAcquire('sim/a')).toBeDefined();
    for (let i = 0; i < 3; i += 1) {
      const ticket = a!.registry.tryAcquire('sim/a');
      expect(ticket).toBeDefined();
      a!.registry.record(ticket!, 'server_error');
    }
    expect(a!.registry.state('sim/a')).toBe('open');
    await expect.poll(() => [b!.registry.state('sim/a'), c!.registry.state('sim/a')], { timeout: 2000, interval: 5 }).toEqual(['open', 'open']);
    expect(b!.registry.tryAcquire('sim/a')).toBeUndefined();
    expect(c!.registry.refusal('sim/a')).toBe('open');
    expect(seen).toContain('sim/a:open');

    // A process started later loads the open breaker from the hash.
    const d = await gateway(keyPrefix);
    expect(d.registry.state('sim/a')).toBe('open');
    await Promise.all([a, b, c, d].map((g) => g!.store.stop()));
  });

  it('shares rate-limit cool-downs and lets a newer change win over an older one', async () => {
    const keyPrefix = `${prefix}cool:`;
    const [a, b] = await Promise.all([gateway(keyPrefix), gateway(keyPrefix)]);
    const ticket = a!.registry.tryAcquire('sim/b')!;
    a!.registry.record(ticket, 'rate_limited', 5_000);
    await expect.poll(() => b!.registry.coolingUntil('sim/b'), { timeout: 2000, interval: 5 }).toBeGreaterThan(Date.now());
    b!.registry.forceOpen('sim/b');
    await expect.poll(() => a!.registry.state('sim/b'), { timeout: 2000, interval: 5 }).toBe('open');
    expect(b!.registry.state('sim/b')).toBe('open');
    await Promise.all([a, b].map((g) => g!.store.stop()));
  });
});
