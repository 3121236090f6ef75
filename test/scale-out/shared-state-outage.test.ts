import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pg from 'pg';
import pino from 'pino';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { serveGateway, type RunningGateway } from '../../src/server/serve-gateway.js';
import { completion } from '../e2e/openai-wire.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { DATABASE_URL, REDIS_URL, requireService } from '../support/require-service.js';
import { pricedDeployment } from './priced-deployment.js';
import { deleteKeys, testKeyPrefix } from './redis-test-keys.js';
import { TcpProxy } from './tcp-proxy.js';

// The whole gateway over HTTP while Redis or Postgres is cut off behind a TCP proxy and brought
// back: it keeps answering, says so loudly (log line and metric), and catches up afterwards.
const redisCheck = await requireService('redis');
const postgresCheck = await requireService('postgres');
const PER_REQUEST_USD = 0.003;

/** Log lines at warn and above, as written. */
function capturedLogger(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter((line) => line !== ''));
      done();
    },
  });
  return { logger: pino({ level: 'warn' }, sink), lines };
}

async function chat(gateway: RunningGateway, requestId: string): Promise<number> {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': requestId },
    body: JSON.stringify({ model: 'fake/steady', max_tokens: 5, messages: [{ role: 'user', content: 'Say hello.' }] }),
  });
  await response.arrayBuffer();
  return response.status;
}

/** The value of a counter sample, e.g. `switchyard_shared_state_degraded_total{component="budget"}`. */
async function metric(gateway: RunningGateway, sample: string): Promise<number> {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line === undefined ? 0 : Number(line.slice(sample.length + 1));
}

/**
 * Sends requests from `workers` loops until `stop()`; every answer's status is kept by request id.
 * `answered()` counts those back so far, so the test can act mid-load.
 */
function load(gateway: RunningGateway, workers: number): { statuses: Map<string, number>; answered(): number; stop(): Promise<void> } {
  const statuses = new Map<string, number>();
  let running = true;
  let next = 0;
  const loops = Array.from({ length: workers }, async () => {
    while (running) {
      const id = `outage-${randomBytes(3).toString('hex')}-${next++}`;
      // A refused connection counts as a failed answer (status 0), not an unhandled rejection.
      statuses.set(id, await chat(gateway, id).catch(() => 0));
    }
  });
  return {
    statuses,
    answered: () => statuses.size,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(redisCheck.skip || postgresCheck.skip)('the gateway while Redis or Postgres is away', () => {
  let upstream: FakeUpstream;
  const dirs: string[] = [];

  beforeAll(async () => {
    upstream = await startFakeUpstream((request) => completion((request.json as { model?: string }).model ?? 'x', 'hello'));
  });

  afterAll(async () => {
    await upstream?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  function dataDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-outage-'));
    dirs.push(dir);
    return dir;
  }

  it('keeps serving on local state when Redis is cut off mid-load, says so, and writes the outage spend back once it returns', async () => {
    const proxy = TcpProxy.forUrl(REDIS_URL, 6379);
    await proxy.start();
    const prefix = testKeyPrefix('outage');
    const { logger, lines } = capturedLogger();
    const config = parseConfig(
      {
        simulated: 'off',
        autoDetectProviders: false,
        state: proxy.url(REDIS_URL),
        accounting: { store: 'memory', budgets: [{ scope: 'global', period: 'day', limitUsd: 100 }] },
        providers: { fake: { type: 'openai-compatible', baseUrl: `${upstream.url}/v1`, apiKey: 'upstream-key' } },
        deployments: [pricedDeployment('fake/steady', { limits: { requestsPerMinute: 100_000, maxConcurrent: 50 } })],
      },
      {},
    );
    const gateway = await serveGateway({ config, env: {}, dataDir: dataDir(), port: 0, host: '127.0.0.1', logger, sharedNamespace: { redisKeyPrefix: prefix } });
    const redis = new Redis(REDIS_URL);
    try {
      const traffic = load(gateway, 4);
      await until(() => traffic.answered() >= 20, 'answers before the outage');
      await proxy.stop();
      const atCut = traffic.answered();
      await until(() => traffic.answered() >= atCut + 30, 'answers during the outage');
      const degraded = await metric(gateway, 'switchyard_shared_state_degraded_total{component="budget"}');
      await proxy.start();
      const atReturn = traffic.answered();
      await until(
        async () => traffic.answered() >= atReturn + 20 && (await metric(gateway, 'switchyard_shared_state_recovered_total{component="budget"}')) >= 1,
        'the budget counter back on Redis',
      );
      await traffic.stop();

      expect([...traffic.statuses.values()].every((status) => status === 200)).toBe(true);
      expect(degraded).toBeGreaterThanOrEqual(1);
      expect(lines.some((line) => line.includes('SHARED STATE UNREACHABLE'))).toBe(true);
      expect(lines.some((line) => line.includes('shared state back'))).toBe(true);
      // Spend made on local state reached the shared counter: every answer is counted there. A
      // settlement sent as the connection was cut may have been applied with its reply lost, and is
      // written again from the queue: at most one per request in flight (4) counts twice, never
      // one too few.
      const answered = traffic.answered() * PER_REQUEST_USD;
      let spent = 0;
      await until(async () => {
        spent = (await gateway.accounting.admin.getBudgets({})).data[0]?.spent_usd ?? 0;
        return spent >= answered - 1e-6;
      }, 'the shared counter to hold every answer').catch((error: unknown) => {
        throw new Error(`${String(error)}: $${spent} spent for ${traffic.answered()} answers of $${PER_REQUEST_USD}`);
      });
      expect(spent).toBeLessThanOrEqual(answered + 4 * PER_REQUEST_USD + 1e-6);
    } finally {
      await gateway.close();
      await proxy.stop();
      await deleteKeys(redis, prefix);
      redis.disconnect();
    }
  }, 120_000);

  it('keeps serving when Postgres is cut off mid-load, and every ledger row is in Postgres after it returns', async () => {
    const proxy = TcpProxy.forUrl(DATABASE_URL, 5432);
    await proxy.start();
    const schema = `sy_test_${randomBytes(4).toString('hex')}`;
    const { logger, lines } = capturedLogger();
    const config = parseConfig(
      {
        simulated: 'off',
        autoDetectProviders: false,
        store: proxy.url(DATABASE_URL),
        providers: { fake: { type: 'openai-compatible', baseUrl: `${upstream.url}/v1`, apiKey: 'upstream-key' } },
        deployments: [pricedDeployment('fake/steady')],
      },
      {},
    );
    const gateway = await serveGateway({ config, env: {}, dataDir: dataDir(), port: 0, host: '127.0.0.1', logger, sharedNamespace: { postgresSchema: schema } });
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    let closed = false;
    try {
      const traffic = load(gateway, 4);
      await until(() => traffic.answered() >= 20, 'answers before the outage');
      await proxy.stop();
      const atCut = traffic.answered();
      await until(
        async () => traffic.answered() >= atCut + 30 && (await metric(gateway, 'switchyard_shared_state_degraded_total{component="ledger"}')) >= 1,
        'answers during the outage',
      );
      await proxy.start();
      await until(async () => (await metric(gateway, 'switchyard_shared_state_recovered_total{component="ledger"}')) >= 1, 'the ledger back on Postgres');
      await traffic.stop();
      await gateway.close();
      closed = true;

      expect([...traffic.statuses.values()].every((status) => status === 200)).toBe(true);
      expect(lines.some((line) => line.includes('SHARED STATE UNREACHABLE'))).toBe(true);
      const rows = await client.query<{ request_id: string }>(`SELECT request_id FROM ${schema}.ledger WHERE kind = 'request'`);
      const stored = new Set(rows.rows.map((row) => row.request_id));
      const missing = [...traffic.statuses.keys()].filter((id) => !stored.has(id));
      expect(missing).toEqual([]);
      expect(rows.rows.length).toBe(traffic.statuses.size);
    } finally {
      if (!closed) await gateway.close();
      await proxy.stop();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  }, 120_000);
});
