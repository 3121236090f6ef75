import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { serveGateway, type RunningGateway } from '../../src/server/serve-gateway.js';
import { completion } from '../e2e/openai-wire.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { DATABASE_URL, REDIS_URL, requireService } from '../support/require-service.js';
import { deleteKeys, testKeyPrefix } from './redis-test-keys.js';

const redisCheck = await requireService('redis');
const postgresCheck = await requireService('postgres');

const CAPABILITIES = { tools: false, vision: false, json: true, streaming: true, embeddings: false };

function deployment(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    provider: 'fake',
    model: id.split('/')[1],
    // 10 input + 5 output tokens at $200/MTok: $0.003 a request, so $1.00 lasts about 333.
    pricing: { inputPerMTok: 200, outputPerMTok: 200, cachedInputPerMTok: 0 },
    contextWindow: 32_000,
    maxOutputTokens: 4_000,
    capabilities: CAPABILITIES,
    quality: { default: 0.8 },
    latency: { ttftMs: 200, outputTokensPerSecond: 100 },
    ...extra,
  };
}

interface Cluster {
  gateways: RunningGateway[];
  schema: string;
  prefix: string;
  close(): Promise<void>;
}

/** Three gateways sharing one Redis prefix and one fresh Postgres schema, each with its own data dir. */
async function startCluster(upstream: FakeUpstream, document: Record<string, unknown>): Promise<Cluster> {
  const schema = `sy_test_${randomBytes(4).toString('hex')}`;
  const prefix = testKeyPrefix('three-gateways');
  const config = parseConfig(
    {
      simulated: 'off',
      autoDetectProviders: false,
      state: REDIS_URL,
      store: DATABASE_URL,
      providers: { fake: { type: 'openai-compatible', baseUrl: `${upstream.url}/v1`, apiKey: 'upstream-key' } },
      ...document,
    },
    {},
  );
  const dirs: string[] = [];
  const gateways: RunningGateway[] = [];
  for (let i = 0; i < 3; i += 1) {
    const dataDir = mkdtempSync(join(tmpdir(), `switchyard-scale-${i}-`));
    dirs.push(dataDir);
    gateways.push(
      await serveGateway({
        config,
        env: {},
        dataDir,
        port: 0,
        host: '127.0.0.1',
        logger: pino({ level: 'silent' }),
        expectedProcesses: 3,
        sharedNamespace: { redisKeyPrefix: prefix, postgresSchema: schema },
      }),
    );
  }
  return {
    gateways,
    schema,
    prefix,
    async close() {
      await Promise.all(gateways.map((gateway) => gateway.close()));
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
      const redis = new Redis(REDIS_URL);
      await deleteKeys(redis, prefix);
      redis.disconnect();
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  };
}

async function chat(gateway: RunningGateway, model: string): Promise<number> {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, max_tokens: 5, messages: [{ role: 'user', content: 'Say hello.' }] }),
  });
  await response.arrayBuffer();
  return response.status;
}

async function ledgerRows(schema: string): Promise<Array<{ kind: string; outcome: string; deployment_id: string | null; n: number; usd: number }>> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    const result = await client.query(
      `SELECT kind, outcome, deployment_id, COUNT(*)::int AS n, COALESCE(SUM(cost_usd), 0)::float8 AS usd FROM ${schema}.ledger GROUP BY 1, 2, 3`,
    );
    return result.rows as Array<{ kind: string; outcome: string; deployment_id: string | null; n: number; usd: number }>;
  } finally {
    await client.end();
  }
}

/** Waits until the three gateways have written every ledger row (ledger writes are batched). */
async function settledLedger(cluster: Cluster): Promise<void> {
  for (const gateway of cluster.gateways) await gateway.accounting.accounting.ledger.flush();
}

describe.skipIf(redisCheck.skip || postgresCheck.skip)('three gateways sharing Redis and Postgres', () => {
  let upstream: FakeUpstream;

  beforeAll(async () => {
    upstream = await startFakeUpstream((request) => {
      const model = (request.json as { model?: string }).model ?? 'x';
      if (model === 'broken') return { kind: 'json', status: 500, body: { error: { message: 'upstream down', type: 'server_error' } } };
      return completion(model, 'hello');
    });
  });

  afterAll(async () => {
    await upstream.close();
  });

  it('never exceeds a global $1.00 budget under 600 concurrent requests, and the Postgres ledger has every request', async () => {
    const cluster = await startCluster(upstream, {
      deployments: [deployment('fake/budget')],
      accounting: { budgets: [{ scope: 'global', period: 'day', limitUsd: 1 }] },
    });
    const before = upstream.requests.length;
    try {
      const statuses = await Promise.all(Array.from({ length: 600 }, (_, i) => chat(cluster.gateways[i % 3]!, 'fake/budget')));
      const ok = statuses.filter((status) => status === 200).length;
      await settledLedger(cluster);
      const rows = await ledgerRows(cluster.schema);
      // Each answered request has a request row and an attempt row carrying the same cost.
      const requests = rows.filter((row) => row.kind === 'request');
      const spent = requests.reduce((sum, row) => sum + row.usd, 0);
      const requestRows = requests.reduce((sum, row) => sum + row.n, 0);
      const answered = requests.filter((row) => row.outcome === 'ok').reduce((sum, row) => sum + row.n, 0);
            expect(spent).toBeLessThanOrEqual(1);
      expect(ok).toBeGreaterThan(250);
      expect(ok).toBeLessThan(600);
      expect(requestRows).toBe(600);
      expect(answered).toBe(ok);
      expect(upstream.requests.length - before).toBe(ok);
    } finally {
      await cluster.close();
    }
  }, 60_000);

  it('holds a per-deployment 60 RPM limit across the three to within one request', async () => {
    const cluster = await startCluster(upstream, { deployments: [deployment('fake/limited', { limits: { requestsPerMinute: 60 } })] });
    const seen = (): number => upstream.requests.filter((request) => (request.json as { model?: string }).model === 'limited').length;
    const before = seen();
    try {
      let ok = 0;
      // Rounds of one request per gateway, so all three race for the same window.
      for (let round = 0; round < 40; round += 1) {
        const statuses = await Promise.all(cluster.gateways.map((gateway) => chat(gateway, 'fake/limited')));
        ok += statuses.filter((status) => status === 200).length;
      }
      const reached = seen() - before;
      expect(reached).toBeLessThanOrEqual(61);
      expect(reached).toBeGreaterThanOrEqual(59);
      expect(ok).toBe(reached);
    } finally {
      await cluster.close();
    }
  }, 60_000);

  it('stops traffic from every gateway once failures seen by one open the breaker', async () => {
    const cluster = await startCluster(upstream, { deployments: [deployment('fake/broken')] });
    const seen = (): number => upstream.requests.filter((request) => (request.json as { model?: string }).model === 'broken').length;
    try {
      const [first, second, third] = cluster.gateways as [RunningGateway, RunningGateway, RunningGateway];
      // Failures through the first gateway only, until it stops calling the upstream.
      for (let i = 0; i < 20; i += 1) {
        const beforeCall = seen();
        await chat(first, 'fake/broken');
        if (seen() === beforeCall) break;
      }
      const opened = seen();
      expect(opened).toBeGreaterThan(0);
      // The change reaches the others over Redis pub/sub.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const statuses = await Promise.all([second, third, second, third].map((gateway) => chat(gateway, 'fake/broken')));
      expect(statuses.every((status) => status >= 500)).toBe(true);
      expect(seen()).toBe(opened);
    } finally {
      await cluster.close();
    }
  }, 60_000);
});
