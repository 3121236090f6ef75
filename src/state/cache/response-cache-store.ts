/**
 * Where cached answers live. Values are opaque strings (the engine serializes); keys are already
 * scoped to a tenant and hashed. Implementations fail open: a store that cannot answer behaves
 * as a miss, never as an error, because the cache is an optimization.
 */
export interface ResponseCacheStore {
  readonly name: string;
  get(key: string): Promise<string | undefined>;
  /** Stores `value` for `ttlMs`; may evict other entries to stay within its limit. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
  close(): Promise<void>;
}
