import { z } from 'zod';

const positiveInt = z.number().int().positive();

/** Per-policy response caching; a policy caches only when it opts in (or a request asks). */
export const policyCacheSchema = z
  .object({
    enabled: z.boolean(),
    ttlSeconds: positiveInt.optional(),
    /** Cache answers sampled with temperature > 0 (or unset) too. */
    cacheNonDeterministic: z.boolean().optional(),
    /** Also answer from the semantic cache (needs `cache.semantic`). */
    semantic: z.boolean().optional(),
  })
  .strict();

/** The response cache, in-flight coalescing and embeddings micro-batching. */
export const cacheSchema = z
  .object({
    /** Builds the caching layer; policies and requests still opt in per call. */
    enabled: z.boolean().default(true),
    /** `memory`: LRU bounded by `maxBytes`; `sqlite`: `<dataDir>/cache.sqlite`; `redis`: shared by every gateway. */
    backend: z.enum(['memory', 'sqlite', 'redis']).default('memory'),
    maxBytes: positiveInt.default(64 * 1024 * 1024),
    defaultTtlSeconds: positiveInt.default(300),
    /** Upper bound on a TTL asked for by `cache-control: max-age`. */
    maxTtlSeconds: positiveInt.default(86_400),
    /** Whose answers a caller may see: its own key's, or its team's (keys without a team stay per key). */
    scope: z.enum(['key', 'team']).default('key'),
    cacheNonDeterministic: z.boolean().default(false),
    /** Identical cacheable requests in flight wait for the first instead of calling upstream. */
    coalesce: z.boolean().default(true),
    redis: z
      .object({ url: z.string().default('redis://127.0.0.1:6379'), keyPrefix: z.string().default('switchyard:cache:') })
      .strict()
      .prefault({}),
    /** Embedding requests to one deployment within `windowMs` go upstream as one call; 0 turns it off. */
    embeddingBatch: z
      .object({ windowMs: z.number().min(0).default(5), maxInputs: positiveInt.default(2048) })
      .strict()
      .prefault({}),
    semantic: z
      .object({
        embeddingDeployment: z.string().min(1),
        threshold: z.number().min(0).max(1).default(0.95),
        maxEntries: positiveInt.default(10_000),
      })
      .strict()
      .optional(),
  })
  .strict();

export type CacheConfig = z.infer<typeof cacheSchema>;
export type PolicyCacheConfig = z.infer<typeof policyCacheSchema>;
