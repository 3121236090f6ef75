import { afterAll, describe, expect, it } from 'vitest';
import { MemoryBudgetCounter } from '../../src/accounting/index.js';
import { BreakerRegistry, type BreakerRecord } from '../../src/resilience/index.js';
import { MemoryStore, SpooledStore } from '../../src/state/index.js';
import { connectRedis, createRedisClient, openSharedState, type SharedState } from '../../src/state/redis/index.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ledgerEntry } from '../state/describe-store-contract.js';
import { REDIS_URL, requireService } from '../support/require-service.js';
import { deleteKeys, testKeyPrefix } from './redis-test-keys.js';

const service = await requireService('redis');
const keyPrefix = testKeyPrefix('shared');
const opened: Array<SharedState<BreakerRecord>> = [];

function open(redisUrl: string, events: string[] = []): Promise<SharedState<BreakerRecord>> {
  return openSharedState<BreakerRecord>({
    redisUrl, keyPrefix, expectedProcesses: 2,
    createLocalBudgetCounter: () => new MemoryBudgetCounter(),
    rateLimitFor: (key) => (key === 'sim/x' ? { requestsPerMinute: 4 } : undefined),
    concurrencyLimitFor: () => undefined,
    onDegraded: (component) => events.push(`down:${component}`),
  }).then((state) => {
    opened.push(state);
    return state;
  });
}

describe('openSharedState', () => {
  afterAll(async () => {
    for (const state of opened) await state.close();
  });

  it('serves on local state when Redis is down at start', async () => {
    const events: string[] = [];
    const state = await open('redis://127.0.0.1:1', events);
    expect(state.connectedAtStart).toBe(false);
    expect(await state.budgetCounter.tryReserve([{ slot: 's', limitNanos: 100 }], 40)).toEqual({ ok: true });
    // Two processes expected: this one may use half of the limit.
    expect(await state.budgetCounter.tryReserve([{ slot: 's', limitNanos: 100 }], 40)).toMatchObject({ ok: false });
    expect(await state.rateLimiter.acquire('sim/x')).toBe(true);
    expect(await state.rateLimiter.acquire('sim/x')).toBe(true);
    expect(await state.rateLimiter.acquire('sim/x')).toBe(false);
    expect(events).toEqual(expect.arrayContaining(['down:budget', 'down:rate_limits', 'down:breakers']));
  });

  describe.skipIf(service.skip)('with Redis', () => {
    afterAll(async () => {
      const redis = createRedisClient({ url: REDIS_URL });
      await connectRedis(redis);
      await deleteKeys(redis, keyPrefix);
      redis.disconnect();
    });

    it('wires budgets, rate limits and breakers of two processes together', async () => {
      const [a, b] = await Promise.all([open(REDIS_URL), open(REDIS_URL)]);
      expect(a!.connectedAtStart).toBe(true);
      expect(await a!.budgetCounter.tryReserve([{ slot: 'g', limitNanos: 100 }], 70)).toEqual({ ok: true });
      expect(await b!.budgetCounter.tryReserve([{ slot: 'g', limitNanos: 100 }], 70)).toMatchObject({ ok: false, usedNanos: 70 });
      const results = await Promise.all(Array.from({ length: 6 }, (_, i) => [a, b][i % 2]!.rateLimiter.acquire('sim/x')));
      expect(results.filter(Boolean)).toHaveLength(4);
      const breakersA = new BreakerRegistry({ store: a!.breakerStore });
      const breakersB = new BreakerRegistry({ store: b!.breakerStore });
      breakersA.forceOpen('sim/x');
      await expect.poll(() => breakersB.state('sim/x'), { timeout: 2000, interval: 5 }).toBe('open');
    });
  });
});

describe('SpooledStore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-spooled-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes keys through and spools the ledger', async () => {
    const inner = new MemoryStore();
    const store = await SpooledStore.open(inner, { spoolPath: join(dir, 'ledger.spool') });
    expect(store.kind).toBe('memory');
    await store.keys.insertKey({ id: 'k', hash: 'h', prefix: 'p', owner: 'o', createdAt: 1 });
    await store.ledger.appendEntries([ledgerEntry({ id: 'r1' })]);
    expect(await inner.keys.getKey('k')).toBeDefined();
    expect(await inner.ledger.countEntries()).toBe(1);
    await store.close();
  });
});
