import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBudgetCounter } from '../../src/accounting/index.js';
import { FallbackBudgetCounter, RedisBudgetCounter, connectRedis, createRedisClient } from '../../src/state/redis/index.js';
import { describeBudgetCounterContract } from '../accounting/describe-budget-counter-contract.js';
import { REDIS_URL, requireService } from '../support/require-service.js';
import { TcpProxy } from './tcp-proxy.js';
import { deleteKeys, testKeyPrefix } from './redis-test-keys.js';
import { REPO, transpileLayers } from './transpile-layers.js';

const service = await requireService('redis');
const prefix = testKeyPrefix('budget');
const USD = 1_000_000_000;
const clients: Redis[] = [];

async function client(url = REDIS_URL): Promise<Redis> {
  const redis = createRedisClient({ url });
  clients.push(redis);
  await connectRedis(redis);
  return redis;
}

let n = 0;
const counterPrefix = (): string => `${prefix}${++n}:`;

describe.skipIf(service.skip)('RedisBudgetCounter', () => {
  afterAll(async () => {
    const redis = await client();
    await deleteKeys(redis, prefix);
    for (const c of clients) c.disconnect();
  });

  describeBudgetCounterContract('redis', async () => new RedisBudgetCounter({ redis: await client(), keyPrefix: counterPrefix() }));

  it('never lets three processes together reserve past a $1.00 budget under 600 concurrent requests', async () => {
    const keyPrefix = counterPrefix();
    const counters = await Promise.all([1, 2, 3].map(async () => new RedisBudgetCounter({ redis: await client(), keyPrefix })));
    const charges = [{ slot: 'global:*:day@0', limitNanos: USD }, { slot: 'team:t:day@0', limitNanos: 5 * USD }];
    const estimate = Math.round(0.007 * USD);
    let held = 0;
    let maxHeld = 0;
    let settled = 0;
    let won = 0;
    await Promise.all(
      Array.from({ length: 600 }, async (_, i) => {
        const counter = counters[i % 3]!;
        const outcome = await counter.tryReserve(charges, estimate);
        if (!outcome.ok) {
          expect(outcome.slot).toBe('global:*:day@0');
          return;
        }
        won += 1;
        held += estimate;
        maxHeld = Math.max(maxHeld, held + settled);
        await new Promise((resolve) => setTimeout(resolve, i % 5));
        const actual = Math.floor(estimate * (0.4 + (i % 6) / 10));
        held -= estimate;
        settled += actual;
        await counter.settle(charges.map((c) => c.slot), estimate, actual);
      }),
    );
    // Every reservation that fitted got through (more, when settlements freed money first), yet the sum never passed $1.
    expect(won).toBeGreaterThanOrEqual(Math.floor(USD / estimate));
    expect(maxHeld).toBeLessThanOrEqual(USD);
    const usage = await counters[0]!.read('global:*:day@0');
    expect(usage).toEqual({ settledNanos: settled, reservedNanos: 0 });
    expect(usage.settledNanos).toBeLessThanOrEqual(USD);
    await Promise.all(counters.map((c) => c.close()));
  });

  it('holds the budget across three real child processes', async () => {
    const compiled = join(REPO, 'test-artifacts', `scale-out-budget-${process.pid}`);
    transpileLayers(compiled, ['spec', 'errors', 'state']);
    try {
      const keyPrefix = counterPrefix();
      const estimate = Math.round(0.009 * USD);
      const children = [1, 2, 3].map(() => {
        const child = spawn(process.execPath, [join(import.meta.dirname, 'budget-child.mjs'), compiled, REDIS_URL, keyPrefix, '200', String(USD), String(estimate)], {
          stdio: ['pipe', 'pipe', 'inherit'],
        });
        let out = '';
        const ready = new Promise<void>((resolve) => child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()).includes('ready') && resolve()));
        const done = new Promise<{ won: number; settled: number }>((resolve, reject) => {
          child.on('error', reject);
          child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.split('\n')[1] ?? '') as { won: number; settled: number }) : reject(new Error(`child exited ${code}`))));
        });
        return { child, ready, done };
      });
      await Promise.all(children.map((c) => c.ready));
      for (const { child } of children) child.stdin.write('go\n');
      const runs = await Promise.all(children.map((c) => c.done));
      const settled = runs.reduce((sum, r) => sum + r.settled, 0);
      const redis = await client();
      const stored = Number(await redis.hget(`${keyPrefix}budget:global:*:day@0`, 'settled'));
      expect(stored).toBe(settled);
      expect(settled).toBeLessThanOrEqual(USD);
      expect(runs).toHaveLength(3);
      expect(runs.reduce((sum, r) => sum + r.won, 0)).toBeGreaterThanOrEqual(Math.floor(USD / estimate));
    } finally {
      rmSync(compiled, { recursive: true, force: true });
    }
  }, 60_000);

  it('forgets the reservations of a process whose heartbeat stopped', async () => {
    const keyPrefix = counterPrefix();
    const crashed = new RedisBudgetCounter({ redis: await client(), keyPrefix, instanceTtlMs: 300 });
    const survivor = new RedisBudgetCounter({ redis: await client(), keyPrefix });
    const charges = [{ slot: 's', limitNanos: 100 }];
    expect(await crashed.tryReserve(charges, 80)).toEqual({ ok: true });
    expect(await survivor.tryReserve(charges, 30)).toMatchObject({ ok: false, usedNanos: 80 });
    // A crash: the heartbeat stops without the liveness key being deleted.
    (crashed as unknown as { heartbeat: NodeJS.Timeout }).heartbeat.close();
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(await survivor.tryReserve(charges, 30)).toEqual({ ok: true });
    await survivor.close();
  });

  describe('when Redis goes away', () => {
    let proxy: TcpProxy;
    beforeAll(async () => {
      proxy = TcpProxy.forUrl(REDIS_URL, 6379);
      await proxy.start();
    });
    afterAll(async () => {
      await proxy.stop();
    });

    it('keeps serving on its share of what was left, then writes the outage spend back', async () => {
      const keyPrefix = counterPrefix();
      const events: string[] = [];
      const shared = new RedisBudgetCounter({ redis: await client(proxy.url(REDIS_URL)), keyPrefix });
      const counter = new FallbackBudgetCounter({
        shared,
        createLocal: () => new MemoryBudgetCounter(),
        expectedProcesses: 4,
        probeIntervalMs: 50,
        onDegraded: (component) => events.push(`degraded:${component}`),
        onRecovered: (component) => events.push(`recovered:${component}`),
      });
      const charges = [{ slot: 'g', limitNanos: 1000 }];
      expect(await counter.tryReserve(charges, 200)).toEqual({ ok: true });
      const beforeOutage = await counter.tryReserve(charges, 200);
      expect(beforeOutage).toEqual({ ok: true });

      await proxy.stop();
      // Seen used: 400 of 1000. Local share: (1000 - 400) / 4 = 150.
      expect(await counter.tryReserve(charges, 100)).toEqual({ ok: true });
      expect(counter.degraded).toBe(true);
      expect(await counter.tryReserve(charges, 100)).toMatchObject({ ok: false, slot: 'g' });
      await counter.settle(['g'], 100, 90); // the local reservation
      await counter.settle(['g'], 200, 150); // one made in Redis before the outage
      expect(events).toEqual(['degraded:budget']);

      await proxy.start();
      await expect.poll(() => counter.degraded, { timeout: 10_000, interval: 50 }).toBe(false);
      expect(events).toEqual(['degraded:budget', 'recovered:budget']);
      await counter.settle(['g'], 200, 200);
      const direct = new RedisBudgetCounter({ redis: await client(), keyPrefix });
      expect(await direct.read('g')).toEqual({ settledNanos: 90 + 150 + 200, reservedNanos: 0 });
      counter.close();
      await shared.close();
    }, 20_000);
  });
});
