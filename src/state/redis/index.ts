export { connectRedis, createRedisClient, type RedisClientOptions } from './create-redis-client.js';
export { FallbackBudgetCounter, type FallbackBudgetCounterOptions, type SharedBudgetCounter, type SharedStateEvents } from './fallback-budget-counter.js';
export { RedisBudgetCounter, type RedisBudgetCounterOptions } from './redis-budget-counter.js';
export { RedisScript } from './redis-script.js';
export { RedisBreakerStore, type RedisBreakerStoreOptions, type SharedBreakerRecord } from './redis-breaker-store.js';
export { RedisRateLimiter, type RedisRateLimiterOptions, type SharedRateLimit, type SharedRateUsage } from './redis-rate-limiter.js';
export { RedisConcurrencyLimiter, type RedisConcurrencyLimiterOptions, type SharedSlotRelease } from './redis-concurrency-limiter.js';
export { openSharedState, type OpenSharedStateOptions, type SharedState } from './open-shared-state.js';
export { RedisLiveStatsExchange, mergeStats, type RedisLiveStatsExchangeOptions } from './redis-live-stats-exchange.js';
