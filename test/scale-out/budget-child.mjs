// Child process for redis-budget-counter.test.ts: one gateway-like process reserving against the
// shared budget. Prints one JSON line: how many reservations it won and what it settled.
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

const [compiledDir, redisUrl, keyPrefix, requests, limitNanos, estimateNanos] = process.argv.slice(2);
const load = (path) => import(pathToFileURL(join(compiledDir, path)).href);
const { RedisBudgetCounter, createRedisClient, connectRedis } = await load('src/state/redis/index.js');

const redis = createRedisClient({ url: redisUrl });
await connectRedis(redis);
const counter = new RedisBudgetCounter({ redis, keyPrefix });
const charges = [{ slot: 'global:*:day@0', limitNanos: Number(limitNanos) }, { slot: 'key:k1:day@0', limitNanos: 10 * Number(limitNanos) }];
const estimate = Number(estimateNanos);
// Start together: say ready, wait for the parent's go on stdin.
process.stdout.write('ready\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
let won = 0;
let settled = 0;
await Promise.all(
  Array.from({ length: Number(requests) }, async (_, i) => {
    const outcome = await counter.tryReserve(charges, estimate);
    if (!outcome.ok) return;
    won += 1;
    await new Promise((resolve) => setTimeout(resolve, i % 7));
    const actual = Math.floor(estimate * (0.5 + (i % 5) / 10));
    settled += actual;
    await counter.settle(charges.map((c) => c.slot), estimate, actual);
  }),
);
await counter.close();
redis.disconnect();
process.stdout.write(`${JSON.stringify({ won, settled })}\n`);
process.stdin.destroy();
