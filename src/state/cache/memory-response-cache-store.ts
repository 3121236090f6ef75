import type { ResponseCacheStore } from './response-cache-store.js';

export interface MemoryResponseCacheStoreOptions {
  /** Most bytes of keys and values held; least recently used entries go first. */
  maxBytes: number;
  now?: () => number;
}

interface Entry {
  value: string;
  expiresAt: number;
  bytes: number;
}

/** Strings are UTF-16 in memory; two bytes a code unit plus a fixed overhead per entry. */
const ENTRY_OVERHEAD_BYTES = 64;

function sizeOf(key: string, value: string): number {
  return (key.length + value.length) * 2 + ENTRY_OVERHEAD_BYTES;
}

/**
 * An in-process LRU bounded by bytes. A Map keeps insertion order, so re-inserting on every read
 * makes its first key the least recently used one: eviction is O(1) per entry.
 */
export class MemoryResponseCacheStore implements ResponseCacheStore {
  readonly name = 'memory';
  private readonly entries = new Map<string, Entry>();
  private readonly maxBytes: number;
  private readonly now: () => number;
  private used = 0;

  constructor(options: MemoryResponseCacheStoreOptions) {
    this.maxBytes = options.maxBytes;
    this.now = options.now ?? Date.now;
  }

  get bytes(): number {
    return this.used;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): Promise<string | undefined> {
    return Promise.resolve(this.read(key));
  }

  /** Synchronous read for callers on the hot path that know the store is local. */
  read(key: string): string | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.remove(key, entry);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: string, ttlMs: number): Promise<void> {
    const bytes = sizeOf(key, value);
    const previous = this.entries.get(key);
    if (previous !== undefined) this.remove(key, previous);
    // An entry larger than the whole cache would only evict everything else and then itself.
    if (bytes > this.maxBytes || ttlMs <= 0) return Promise.resolve();
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs, bytes });
    this.used += bytes;
    for (const [oldKey, oldEntry] of this.entries) {
      if (this.used <= this.maxBytes) break;
      this.remove(oldKey, oldEntry);
    }
    return Promise.resolve();
  }

  delete(key: string): Promise<void> {
    const entry = this.entries.get(key);
    if (entry !== undefined) this.remove(key, entry);
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.entries.clear();
    this.used = 0;
    return Promise.resolve();
  }

  private remove(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.used -= entry.bytes;
  }
}
