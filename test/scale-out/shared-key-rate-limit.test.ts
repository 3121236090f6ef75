import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import type { GatewayAccounting } from '../../src/engine/gateway-accounting.js';
import { openGatewayAccounting } from '../../src/engine/open-gateway-accounting.js';
import { RedisRateLimiter, connectRedis, createRedisClient } from '../../src/state/redis/index.js';
import { REDIS_URL, requireService } from '../support/require-service.js';
import { deleteKeys, testKeyPrefix } from './redis-test-keys.js';

// An API key's RPM and TPM hold across gateway processes: each process's accounting checks and
// counts the key through one Redis window (`key:<id>`), atomically.
const service = await requireService('redis');
const prefix = testKeyPrefix('key-rates');
const clients: Redis[] = [];
const opened: GatewayAccounting[] = [];

/** One process's cost control with its own Redis connection, as `serveGateway` wires it. */
async function processAccounting(): Promise<GatewayAccounting> {
  const redis = createRedisClient({ url: REDIS_URL });
  clients.push(redis);
  await connectRedis(redis);
  // The limiter reads the key's limits from the accounting it is handed to.
  const owner: { accounting?: GatewayAccounting } = {};
  const sharedRates = new RedisRateLimiter({ redis, keyPrefix: prefix, limitFor: (key) => owner.accounting?.keyRateLimit(key.slice('key:'.length)) });
  const accounting = await openGatewayAccounting({ config: parseConfig({ accounting: { store: 'memory' } }, {}), sharedRates });
  owner.accounting = accounting;
  opened.push(accounting);
  return accounting;
}

const caller = (n: number, rateLimits: { rpm?: number; tpm?: number }) => ({ requestId: `r-${n}`, principal: { keyId: 'k1', rateLimits } });

describe.skipIf(service.skip)('per-key rate limits shared through Redis', () => {
  afterAll(async () => {
    for (const accounting of opened) await accounting.close();
    if (clients[0] !== undefined) await deleteKeys(clients[0], prefix);
    for (const client of clients) client.disconnect();
  });

  it('admit a key 10 requests a minute across three processes, not 10 each; the rest are 429 rate_limited', async () => {
    const three = await Promise.all([processAccounting(), processAccounting(), processAccounting()]);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) => three[i % 3]!.begin(caller(i, { rpm: 10 }), { streamed: false, estimatedTokens: 10 })),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(10);
    for (const refused of outcomes.filter((o) => o.status === 'rejected')) {
      expect((refused as PromiseRejectedResult).reason).toMatchObject({ code: 'rate_limited', status: 429 });
    }
  });
});
