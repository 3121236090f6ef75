import { describe, expect, it } from 'vitest';
import { KeyService, hashApiKey } from '../../src/accounting/index.js';
import { GatewayError } from '../../src/errors/index.js';
import { MemoryKeyStore } from '../../src/state/memory-key-store.js';

function setup() {
  let now = Date.UTC(2026, 10, 25, 12);
  const store = new MemoryKeyStore();
  let lookups = 0;
  const find = store.findKeyByHash.bind(store);
  store.findKeyByHash = async (hash) => {
    lookups += 1;
    return find(hash);
  };
  const keys = new KeyService({ store, clock: () => now, cacheTtlMs: 1000 });
  return { keys, store, advance: (ms: number) => (now += ms), lookups: () => lookups, now: () => now };
}

async function failure(promise: Promise<unknown>): Promise<GatewayError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(GatewayError);
  return error as GatewayError;
}

describe('KeyService', () => {
  it('hashes keys as hex SHA-256 of their UTF-8 bytes, so that stored hashes keep matching', () => {
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hashApiKey('sk-sy-é')).toBe('64b07833d15d0b8d14853a1307b9f0f26276b3337b4a5c841126970879f8a5d7');
  });

  it('creates a high-entropy key shown once and stores only its hash and a display prefix', async () => {
    const { keys, store } = setup();
    const { key, info } = await keys.createKey({ owner: 'ana', team: 'search', allowedModels: ['m/a'], rateLimits: { rpm: 10 }, name: 'ci' });
    expect(key).toMatch(/^sk-sy-[A-Za-z0-9_-]{43}$/);
    expect(info).not.toHaveProperty('hash');
    expect(info).toMatchObject({ owner: 'ana', team: 'search', status: 'active', prefix: key.slice(0, 12) });
    const stored = await store.getKey(info.id);
    expect(stored?.hash).toBe(hashApiKey(key));
    expect(JSON.stringify(stored)).not.toContain(key);
    const listed = await keys.listKeys();
    expect(JSON.stringify(listed)).not.toContain(key);
    expect(JSON.stringify(listed)).not.toContain(stored?.hash);
    const second = await keys.createKey({ owner: 'ana' });
    expect(second.key).not.toBe(key);
  });

  it('authenticates a valid key into its principal', async () => {
    const { keys } = setup();
    const { key, info } = await keys.createKey({ owner: 'ana', team: 'search', allowedModels: ['m/a'], rateLimits: { tpm: 5000 } });
    expect(await keys.authenticate(`Bearer ${key}`)).toEqual({ keyId: info.id, owner: 'ana', team: 'search', allowedModels: ['m/a'], rateLimits: { tpm: 5000 } });
    expect((await keys.authenticate(`bearer   ${key} `)).keyId).toBe(info.id);
  });

  it.each([
    ['no header', undefined, /^Missing API key/],
    ['an empty header', '', /^Missing API key/],
    ['another scheme', 'Basic abc', /^Missing API key/],
    ['an unknown key', 'Bearer sk-sy-notakey', /^Unknown API key/],
  ])('refuses %s with 401 unauthorized', async (_case, header, message) => {
    const { keys } = setup();
    const error = await failure(keys.authenticate(header));
    expect(error).toMatchObject({ code: 'unauthorized', status: 401, type: 'authentication_error' });
    expect(error.message).toMatch(message);
  });

  it('refuses a revoked key at once, even while it is cached', async () => {
    const { keys } = setup();
    const { key, info } = await keys.createKey({ owner: 'ana' });
    await keys.authenticate(`Bearer ${key}`);
    expect((await keys.revokeKey(info.id))?.status).toBe('revoked');
    const error = await failure(keys.authenticate(`Bearer ${key}`));
    expect(error).toMatchObject({ code: 'unauthorized', status: 401 });
    expect(error.message).toMatch(/^Revoked API key sk-sy-/);
    expect(error.message).not.toContain(key);
    expect(await keys.revokeKey('key_missing')).toBeUndefined();
  });

  it('refuses an expired key once its expiry passes, cached or not', async () => {
    const { keys, advance, now } = setup();
    const { key } = await keys.createKey({ owner: 'ana', expiresAt: now() + 500 });
    await keys.authenticate(`Bearer ${key}`);
    advance(500);
    const error = await failure(keys.authenticate(`Bearer ${key}`));
    expect(error).toMatchObject({ code: 'unauthorized', status: 401 });
    expect(error.message).toMatch(/^Expired API key/);
    expect((await keys.listKeys())[0]?.status).toBe('expired');
  });

  it('caches lookups, found or not, for the TTL', async () => {
    const { keys, advance, lookups } = setup();
    const { key } = await keys.createKey({ owner: 'ana' });
    for (let i = 0; i < 5; i++) await keys.authenticate(`Bearer ${key}`);
    for (let i = 0; i < 5; i++) await keys.authenticate('Bearer sk-sy-unknown').catch(() => {});
    expect(lookups()).toBe(2);
    advance(1000);
    await keys.authenticate(`Bearer ${key}`);
    expect(lookups()).toBe(3);
  });

  it('sees a revocation made behind its back once the cache entry expires', async () => {
    const { keys, store, advance } = setup();
    const { key, info } = await keys.createKey({ owner: 'ana' });
    await keys.authenticate(`Bearer ${key}`);
    await store.revokeKey(info.id, 1);
    await keys.authenticate(`Bearer ${key}`);
    advance(1000);
    await expect(keys.authenticate(`Bearer ${key}`)).rejects.toMatchObject({ code: 'unauthorized' });
  });
});
