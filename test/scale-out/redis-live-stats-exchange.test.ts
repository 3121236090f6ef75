import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { LiveStats } from '../../src/spec/live-stats.js';
import { RedisLiveStatsExchange, connectRedis, createRedisClient, mergeStats } from '../../src/state/redis/index.js';
import { REDIS_URL, requireService } from '../support/require-service.js';
import { deleteKeys, testKeyPrefix } from './redis-test-keys.js';

const service = await requireService('redis');
const keyPrefix = testKeyPrefix('stats');
const clients: Redis[] = [];

const stats = (overrides: Partial<LiveStats>): LiveStats => ({ deploymentId: 'sim/x', samples: 10, inFlight: 1, breaker: 'closed', ...overrides });

describe('mergeStats', () => {
  it('weights averages by samples, sums counts, keeps the worst p95 and breaker', () => {
    const merged = mergeStats('sim/x', [
      stats({ samples: 30, ewmaLatencyMs: 100, errorRate: 0, p95TtftMs: 200, inFlight: 2 }),
      stats({ samples: 10, ewmaLatencyMs: 500, errorRate: 0.4, p95TtftMs: 900, breaker: 'half_open', saturated: true }),
      stats({ samples: 0, inFlight: 0 }),
    ]);
    expect(merged).toEqual({
      deploymentId: 'sim/x', samples: 40, inFlight: 3, breaker: 'half_open', ewmaLatencyMs: 200, errorRate: 0.1, p95TtftMs: 900, saturated: true,
    });
  });
});

describe.skipIf(service.skip)('RedisLiveStatsExchange', () => {
  afterAll(async () => {
    if (clients[0]) await deleteKeys(clients[0], keyPrefix);
    for (const c of clients) c.disconnect();
  });

  it('shows every process the cluster picture and drops processes that went quiet', async () => {
    const clock = { t: 1_000_000 };
    const exchange = async (): Promise<RedisLiveStatsExchange> => {
      const redis = createRedisClient({ url: REDIS_URL });
      clients.push(redis);
      await connectRedis(redis);
      return new RedisLiveStatsExchange({ redis, keyPrefix, now: () => clock.t, staleMs: 5000 });
    };
    const [a, b] = await Promise.all([exchange(), exchange()]);
    await a.publish(new Map([['sim/x', stats({ samples: 10, ewmaLatencyMs: 100, errorRate: 0 })]]));
    await b.publish(new Map([['sim/x', stats({ samples: 10, ewmaLatencyMs: 300, errorRate: 1 })], ['sim/y', stats({ deploymentId: 'sim/y' })]]));
    await a.refresh();
    expect(a.clusterStats('sim/x')).toMatchObject({ samples: 20, ewmaLatencyMs: 200, errorRate: 0.5, inFlight: 2 });
    expect(a.clusterStats('sim/y')?.samples).toBe(10);
    clock.t += 4000;
    await a.publish(new Map([['sim/x', stats({ samples: 12, ewmaLatencyMs: 100, errorRate: 0 })]]));
    clock.t += 2000;
    await b.refresh();
    expect(b.clusterStats('sim/x')).toMatchObject({ samples: 12, ewmaLatencyMs: 100, errorRate: 0 });
    expect(b.clusterStats('sim/y')).toBeUndefined();
  });
});
