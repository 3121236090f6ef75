import type { Redis } from 'ioredis';
import type { ResponseCacheStore } from './response-cache-store.js';

export interface RedisResponseCacheStoreOptions {
  /** The client, or its promise while ioredis is still being loaded (commands wait for it). */
  client: Redis | Promise<Redis>;
  /** Prepended to every key, so that one Redis can hold several gateways' caches. */
  keyPrefix: string;
  /** Told about failed commands; the cache then behaves as a miss. */
  onError?: (error: Error) => void;
  /** Close the client with the store (it was created for the cache alone). */
  ownsClient?: boolean;
}

/**
 * Cached answers shared by every gateway process, with Redis's own expiry (`SET … PX`). The byte
 * limit is Redis's `maxmemory` with an LRU eviction policy, configured on the server.
 */
export class RedisResponseCacheStore implements ResponseCacheStore {
  readonly name = 'redis';
  private readonly options: RedisResponseCacheStoreOptions;

  constructor(options: RedisResponseCacheStoreOptions) {
    this.options = options;
  }

  async get(key: string): Promise<string | undefined> {
    try {
      const value = await (await this.options.client).get(this.options.keyPrefix + key);
      return value ?? undefined;
    } catch (error) {
      this.options.onError?.(error as Error);
      return undefined;
    }
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    if (ttlMs <= 0) return;
    try {
      await (await this.options.client).set(this.options.keyPrefix + key, value, 'PX', Math.ceil(ttlMs));
    } catch (error) {
      this.options.onError?.(error as Error);
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await (await this.options.client).del(this.options.keyPrefix + key);
    } catch (error) {
      this.options.onError?.(error as Error);
    }
  }

  async close(): Promise<void> {
    if (this.options.ownsClient) (await this.options.client).disconnect();
  }
}
