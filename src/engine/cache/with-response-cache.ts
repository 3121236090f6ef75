import { join } from 'node:path';
import type { GatewayConfig } from '../../config/config-schema.js';
import { MemoryResponseCacheStore } from '../../state/cache/memory-response-cache-store.js';
import { RedisResponseCacheStore } from '../../state/cache/redis-response-cache-store.js';
import type { ResponseCacheStore } from '../../state/cache/response-cache-store.js';
import { SqliteResponseCacheStore } from '../../state/cache/sqlite-response-cache-store.js';
import type { LedgerEntry } from '../../state/ledger-entry.js';
import type { GatewayObserver } from '../../telemetry/gateway-observer.js';
import type { Gateway, RequestContext } from '../gateway.js';
import { CachingGateway } from './caching-gateway.js';
import { EmbeddingBatcher } from './embedding-batcher.js';
import { ResponseCacheRules } from './response-cache-rules.js';
import { SemanticCache } from './semantic-cache.js';

export interface WithResponseCacheOptions {
  /** A store built elsewhere (tests, a shared Redis client); otherwise built from `config.cache`. */
  store?: ResponseCacheStore;
  ledger?: { record(...entries: LedgerEntry[]): void };
  observer?: Pick<GatewayObserver, 'cacheHit'>;
  /** Counts a hit against the caller's requests per minute (see `CachingGatewayOptions.admitHit`). */
  admitHit?: (context: RequestContext) => void;
  embed?: ConstructorParameters<typeof CachingGateway>[1]['embed'];
  now?: () => number;
  onStoreError?: (error: unknown) => void;
}

/** The configured backend; SQLite lives in its own file in the data directory. */
export function createResponseCacheStore(config: GatewayConfig, options: { now?: () => number; onError?: (error: unknown) => void } = {}): ResponseCacheStore {
  const cache = config.cache;
  const clock = options.now === undefined ? {} : { now: options.now };
  switch (cache.backend) {
    case 'memory':
      return new MemoryResponseCacheStore({ maxBytes: cache.maxBytes, ...clock });
    case 'sqlite':
      return new SqliteResponseCacheStore({ path: join(config.dataDir, 'cache.sqlite'), maxBytes: cache.maxBytes, ...clock });
    case 'redis': {
      // ioredis is loaded only by gateways that use it (it keeps about 0.5 MB of source and its
      // compiled code resident). Until it connects every lookup is a miss; the gateway serves meanwhile.
      const client = import('../../state/redis/create-redis-client.js').then(({ connectRedis, createRedisClient }) => {
        const created = createRedisClient({ url: cache.redis.url, ...(options.onError === undefined ? {} : { onError: options.onError }) });
        void connectRedis(created);
        return created;
      });
      return new RedisResponseCacheStore({ client, keyPrefix: cache.redis.keyPrefix, ownsClient: true, ...(options.onError === undefined ? {} : { onError: options.onError }) });
    }
  }
}

/** Wraps a gateway in the response cache as `config.cache` and the policies say; unchanged when the cache is off. */
export function withResponseCache(gateway: Gateway, config: GatewayConfig, options: WithResponseCacheOptions = {}): Gateway {
  if (!config.cache.enabled) return gateway;
  const storeOptions: { now?: () => number; onError?: (error: unknown) => void } = {};
  if (options.now !== undefined) storeOptions.now = options.now;
  if (options.onStoreError !== undefined) storeOptions.onError = options.onStoreError;
  const store = options.store ?? createResponseCacheStore(config, storeOptions);
  const rules = new ResponseCacheRules({ cache: config.cache, policies: config.policies, defaultPolicy: config.routing.defaultPolicy });
  const cachingOptions: ConstructorParameters<typeof CachingGateway>[1] = { store, rules, scope: config.cache.scope, coalesce: config.cache.coalesce };
  if (options.ledger !== undefined) cachingOptions.ledger = options.ledger;
  if (options.observer !== undefined) cachingOptions.observer = options.observer;
  if (options.admitHit !== undefined) cachingOptions.admitHit = options.admitHit;
  if (options.embed !== undefined) cachingOptions.embed = options.embed;
  else if (config.cache.embeddingBatch.windowMs > 0) {
    const batcher = new EmbeddingBatcher({
      embed: (request, context) => gateway.embed(request, context),
      windowMs: config.cache.embeddingBatch.windowMs,
      maxInputs: config.cache.embeddingBatch.maxInputs,
    });
    cachingOptions.embed = (request, context) => batcher.embed(request, context);
  }
  const semantic = config.cache.semantic;
  if (semantic !== undefined) {
    cachingOptions.semantic = new SemanticCache({
      threshold: semantic.threshold,
      maxEntries: semantic.maxEntries,
      embed: async (text, context) => {
        const result = await gateway.embed({ model: semantic.embeddingDeployment, input: [text] }, context);
        return result.response.embeddings[0] ?? [];
      },
    });
  }
  if (options.now !== undefined) cachingOptions.now = options.now;
  if (options.onStoreError !== undefined) cachingOptions.onStoreError = options.onStoreError;
  return new CachingGateway(gateway, cachingOptions);
}
