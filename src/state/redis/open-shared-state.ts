import type { Redis } from 'ioredis';
import type { BudgetCounter } from '../budget-counter.js';
import { connectRedis, createRedisClient } from './create-redis-client.js';
import { FallbackBudgetCounter, type SharedStateEvents } from './fallback-budget-counter.js';
import { RedisBreakerStore, type SharedBreakerRecord } from './redis-breaker-store.js';
import { RedisBudgetCounter } from './redis-budget-counter.js';
import { RedisConcurrencyLimiter } from './redis-concurrency-limiter.js';
import { RedisLiveStatsExchange } from './redis-live-stats-exchange.js';
import { RedisRateLimiter, type SharedRateLimit } from './redis-rate-limiter.js';

export interface OpenSharedStateOptions<R extends SharedBreakerRecord> extends SharedStateEvents {
  redisUrl: string;
  /** One per gateway cluster; every key starts with it. Default `switchyard:`. */
  keyPrefix?: string;
  /** Gateway processes sharing the state (workers × replicas): sizes the local share during an outage. */
  expectedProcesses: number;
  /** A fresh in-process budget counter for outages (accounting's MemoryBudgetCounter). */
  createLocalBudgetCounter: () => BudgetCounter;
  /** RPM/TPM of a deployment id, or of `key:<api key id>`. */
  rateLimitFor(key: string): SharedRateLimit | undefined;
  /** Cluster-wide in-flight limit of a deployment. */
  concurrencyLimitFor(deploymentId: string): number | undefined;
  /** Only for typing the breaker store: the resilience layer's BreakerRecord. */
  breakerRecord?: R;
}

/** Everything a gateway process shares with the others through Redis. */
export interface SharedState<R extends SharedBreakerRecord> {
  /** For `Accounting` / `BudgetService` as `counter`. */
  budgetCounter: FallbackBudgetCounter;
  /** Has the resilience RateLimiter shape; call `acquire` at admission for the exact check. */
  rateLimiter: RedisRateLimiter;
  concurrency: RedisConcurrencyLimiter;
  /** For `BreakerRegistry` as `store`. */
  breakerStore: RedisBreakerStore<R>;
  /** Call `liveStats.start(() => tracker.all())`; the router reads `clusterStats(id)`. */
  liveStats: RedisLiveStatsExchange;
  /** Whether Redis answered at start (the gateway serves on local state either way). */
  connectedAtStart: boolean;
  close(): Promise<void>;
}

/**
 * Opens the shared state of one gateway process: two connections (commands, and one for the
 * breaker change feed), the budget counter with its outage fallback, rate and concurrency limits,
 * and the breaker store. Redis being down at start is not fatal: every part starts degraded and
 * recovers on its own.
 */
export async function openSharedState<R extends SharedBreakerRecord>(options: OpenSharedStateOptions<R>): Promise<SharedState<R>> {
  const keyPrefix = options.keyPrefix ?? 'switchyard:';
  const events: SharedStateEvents = {
    ...(options.onDegraded === undefined ? {} : { onDegraded: options.onDegraded }),
    ...(options.onRecovered === undefined ? {} : { onRecovered: options.onRecovered }),
  };
  const redis: Redis = createRedisClient({ url: options.redisUrl });
  const subscriber: Redis = createRedisClient({ url: options.redisUrl });
  const connectedAtStart = (await Promise.all([connectRedis(redis), connectRedis(subscriber)])).every(Boolean);
  const sharedCounter = new RedisBudgetCounter({ redis, keyPrefix });
  const budgetCounter = new FallbackBudgetCounter({
    ...events, shared: sharedCounter, createLocal: options.createLocalBudgetCounter, expectedProcesses: options.expectedProcesses,
  });
  const rateLimiter = new RedisRateLimiter({ ...events, redis, keyPrefix, limitFor: options.rateLimitFor, expectedProcesses: options.expectedProcesses });
  const concurrency = new RedisConcurrencyLimiter({ ...events, redis, keyPrefix, limitFor: options.concurrencyLimitFor, expectedProcesses: options.expectedProcesses });
  const breakerStore = new RedisBreakerStore<R>({ ...events, redis, subscriber, keyPrefix });
  await breakerStore.start();
  const liveStats = new RedisLiveStatsExchange({ ...events, redis, keyPrefix });
  return {
    budgetCounter, rateLimiter, concurrency, breakerStore, liveStats, connectedAtStart,
    async close() {
      liveStats.stop();
      budgetCounter.close();
      concurrency.close();
      await breakerStore.stop();
      await sharedCounter.close();
      redis.disconnect();
      subscriber.disconnect();
    },
  };
}
