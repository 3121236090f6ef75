export type { ResponseCacheStore } from './response-cache-store.js';
export { MemoryResponseCacheStore, type MemoryResponseCacheStoreOptions } from './memory-response-cache-store.js';
export { SqliteResponseCacheStore, type SqliteResponseCacheStoreOptions } from './sqlite-response-cache-store.js';
export { RedisResponseCacheStore, type RedisResponseCacheStoreOptions } from './redis-response-cache-store.js';
