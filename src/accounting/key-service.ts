import { GatewayError } from '../errors/gateway-error.js';
import type { KeyRateLimits, KeyRecord } from '../state/key-record.js';
import type { KeyStore } from '../state/key-store.js';
import { displayPrefix, generateApiKey, generateKeyId, hashApiKey } from './api-key-secret.js';
import { systemClock, type Clock } from './clock.js';
import type { Principal } from './principal.js';

export interface CreateKeyInput {
  owner: string;
  name?: string;
  team?: string;
  allowedModels?: string[];
  rateLimits?: KeyRateLimits;
  metadata?: Record<string, string>;
  /** Epoch ms. */
  expiresAt?: number;
}

export type KeyStatus = 'active' | 'revoked' | 'expired';

/** A key as listed: everything but the hash; the plaintext exists only in `createKey`'s answer. */
export type KeyInfo = Omit<KeyRecord, 'hash'> & { status: KeyStatus };

export interface CreatedKey {
  /** The plaintext key. Shown once: only its hash is stored. */
  key: string;
  info: KeyInfo;
}

export interface KeyServiceOptions {
  store: KeyStore;
  clock?: Clock;
  /**
   * How long a looked-up key (found or not) is trusted without asking the store again. Revocation
   * through this service takes effect at once; a revocation made by another gateway process is
   * seen here within this time.
   */
  cacheTtlMs?: number;
  cacheMaxEntries?: number;
}

interface CacheEntry {
  record: KeyRecord | undefined;
  cachedAt: number;
  /** The record's principal, built on the first request that needs it and shared by the next ones. */
  principal?: Principal;
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;
const NO_SPACE = /^\S+$/;

/** Virtual API keys: create (shown once), authenticate per request, revoke, list. */
export class KeyService {
  private readonly store: KeyStore;
  private readonly clock: Clock;
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  /** By key hash; Map order doubles as least-recently-inserted eviction. */
  private readonly cache = new Map<string, CacheEntry>();
  /** Bumped on every revocation, so that a lookup racing a revocation does not cache the old record. */
  private generation = 0;

  constructor(options: KeyServiceOptions) {
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    this.ttlMs = options.cacheTtlMs ?? 30_000;
    this.maxEntries = options.cacheMaxEntries ?? 10_000;
  }

  async createKey(input: CreateKeyInput): Promise<CreatedKey> {
    const key = generateApiKey();
    const record: KeyRecord = { id: generateKeyId(), hash: hashApiKey(key), prefix: displayPrefix(key), owner: input.owner, createdAt: this.clock() };
    if (input.name !== undefined) record.name = input.name;
    if (input.team !== undefined) record.team = input.team;
    if (input.allowedModels !== undefined) record.allowedModels = [...input.allowedModels];
    if (input.rateLimits !== undefined) record.rateLimits = { ...input.rateLimits };
    if (input.metadata !== undefined) record.metadata = { ...input.metadata };
    if (input.expiresAt !== undefined) record.expiresAt = input.expiresAt;
    await this.store.insertKey(record);
    return { key, info: this.toInfo(record) };
  }

  /**
   * Resolves an `Authorization` header value to the calling principal, or throws `unauthorized`
   * (401) saying whether the key was missing, unknown, revoked or expired. The message never
   * contains the key.
   */
  async authenticate(authorization: string | undefined): Promise<Principal> {
    const token = bearerToken(authorization);
    if (token === undefined) {
      throw new GatewayError('unauthorized', 'Missing API key: send it as "Authorization: Bearer <key>".');
    }
    const hash = hashApiKey(token);
    // A cached key is answered without a promise of its own: only a store lookup is waited for.
    const entry = this.cached(hash) ?? (await this.lookup(hash));
    const record = entry.record;
    if (record === undefined) throw new GatewayError('unauthorized', 'Unknown API key.');
    if (record.revokedAt !== undefined) {
      throw new GatewayError('unauthorized', `Revoked API key ${record.prefix}… (revoked ${new Date(record.revokedAt).toISOString()}).`);
    }
    if (record.expiresAt !== undefined && record.expiresAt <= this.clock()) {
      throw new GatewayError('unauthorized', `Expired API key ${record.prefix}… (expired ${new Date(record.expiresAt).toISOString()}).`);
    }
    return (entry.principal ??= principalOf(record));
  }

  /** Revokes the key; undefined when no key has this id. Takes effect at once in this process. */
  async revokeKey(id: string): Promise<KeyInfo | undefined> {
    const record = await this.store.revokeKey(id, this.clock());
    if (record === undefined) return undefined;
    this.generation += 1;
    this.cache.delete(record.hash);
    return this.toInfo(record);
  }

  async getKey(id: string): Promise<KeyInfo | undefined> {
    const record = await this.store.getKey(id);
    return record && this.toInfo(record);
  }

  async listKeys(filter: { owner?: string; team?: string; includeRevoked?: boolean } = {}): Promise<KeyInfo[]> {
    return (await this.store.listKeys(filter)).map((r) => this.toInfo(r));
  }

  /** Forgets every cached lookup, e.g. after keys were changed by another process. */
  clearCache(): void {
    this.cache.clear();
  }

  /** The cache entry of a key hash while it is fresh. */
  private cached(hash: string): CacheEntry | undefined {
    const hit = this.cache.get(hash);
    return hit && this.clock() - hit.cachedAt < this.ttlMs ? hit : undefined;
  }

  /** Asks the store (the cache had nothing fresh) and caches the answer, found or not. */
  private async lookup(hash: string): Promise<CacheEntry> {
    const now = this.clock();
    const generation = this.generation;
    const entry: CacheEntry = { record: await this.store.findKeyByHash(hash), cachedAt: now };
    if (generation !== this.generation) return entry;
    this.cache.delete(hash);
    this.cache.set(hash, entry);
    if (this.cache.size > this.maxEntries) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    return entry;
  }

  private toInfo(record: KeyRecord): KeyInfo {
    const { hash: _hash, ...rest } = record;
    const status: KeyStatus =
      record.revokedAt !== undefined ? 'revoked' : record.expiresAt !== undefined && record.expiresAt <= this.clock() ? 'expired' : 'active';
    return { ...rest, status };
  }
}

/**
 * The key in an `Authorization: Bearer <key>` value, or undefined. The usual exact form is taken
 * apart without the regular expression's match array and trimmed copy.
 */
function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  if (authorization.startsWith('Bearer ')) {
    const token = authorization.slice(7);
    if (NO_SPACE.test(token)) return token;
  }
  return BEARER.exec(authorization.trim())?.[1];
}

/** What the engine sees of a key; the record's arrays and limits are shared, not copied. */
function principalOf(record: KeyRecord): Principal {
  const principal: Principal = { keyId: record.id, owner: record.owner };
  if (record.team !== undefined) principal.team = record.team;
  if (record.allowedModels !== undefined) principal.allowedModels = record.allowedModels;
  if (record.rateLimits !== undefined) principal.rateLimits = record.rateLimits;
  return principal;
}
