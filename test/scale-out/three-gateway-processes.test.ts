import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completion } from '../e2e/openai-wire.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { DATABASE_URL, REDIS_URL, requireService } from '../support/require-service.js';
import { REPO, transpileSources } from '../support/transpile-sources.js';
import { pricedDeployment as deployment } from './priced-deployment.js';
import { deleteKeys, testKeyPrefix } from './redis-test-keys.js';

// Three real gateway processes (not three servers in one process): whatever they share, they
// share through Redis and Postgres only.
const redisCheck = await requireService('redis');
const postgresCheck = await requireService('postgres');

const compiled = join(REPO, 'test-artifacts', `three-gateway-processes-${process.pid}`);
const CHILD = join(import.meta.dirname, 'gateway-process-child.mjs');

interface GatewayProcess {
  url: string;
  child: ChildProcessWithoutNullStreams;
  stderr(): string;
  exited: Promise<number | string | null>;
}

interface Cluster {
  gateways: GatewayProcess[];
  schema: string;
  prefix: string;
  /** SIGTERM to each process (which flushes its ledger); resolves once all have exited. */
  stop(): Promise<void>;
  cleanUp(): Promise<void>;
}

function startProcess(configPath: string, dataDir: string, prefix: string, schema: string): Promise<GatewayProcess> {
  const child = spawn(process.execPath, [CHILD, compiled, configPath, dataDir, prefix, schema], { env: { ...process.env } });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | string | null>((done) => child.on('exit', (code, signal) => done(signal ?? code)));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening (\S+)\n/.exec(out);
      if (match?.[1] !== undefined) resolve({ url: match[1], child, stderr: () => stderr, exited });
    });
    void exited.then((how) => reject(new Error(`gateway process exited (${String(how)}) before listening: ${stderr}`)));
  });
}

async function startCluster(upstream: FakeUpstream, document: Record<string, unknown>): Promise<Cluster> {
  const schema = `sy_test_${randomBytes(4).toString('hex')}`;
  const prefix = testKeyPrefix('three-processes');
  const work = mkdtempSync(join(tmpdir(), 'switchyard-processes-'));
  const configPath = join(work, 'config.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      simulated: 'off',
      autoDetectProviders: false,
      state: REDIS_URL,
      store: DATABASE_URL,
      providers: { fake: { type: 'openai-compatible', baseUrl: `${upstream.url}/v1`, apiKey: 'upstream-key' } },
      ...document,
    }),
  );
  const gateways: GatewayProcess[] = [];
  const stop = async (): Promise<void> => {
    for (const gateway of gateways) gateway.child.kill('SIGTERM');
    await Promise.all(gateways.map((gateway) => gateway.exited));
  };
  try {
    // One after the other: the first creates the schema and runs the migrations.
    for (let i = 0; i < 3; i += 1) gateways.push(await startProcess(configPath, join(work, `data-${i}`), prefix, schema));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    gateways,
    schema,
    prefix,
    stop,
    async cleanUp() {
      await stop();
      rmSync(work, { recursive: true, force: true });
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

interface Answer {
  status: number;
  body: { error?: { code?: string; type?: string; message?: string } };
}

async function chat(gateway: GatewayProcess, model: string): Promise<Answer> {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, max_tokens: 5, messages: [{ role: 'user', content: 'Say hello.' }] }),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

interface LedgerGroup {
  kind: string;
  outcome: string;
  error_code: string | null;
  n: number;
  usd: number;
}

async function ledgerGroups(schema: string): Promise<LedgerGroup[]> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    const result = await client.query(
      `SELECT kind, outcome, error_code, COUNT(*)::int AS n, COALESCE(SUM(cost_usd), 0)::float8 AS usd FROM ${schema}.ledger GROUP BY 1, 2, 3`,
    );
    return result.rows as LedgerGroup[];
  } finally {
    await client.end();
  }
}

const modelOf = (request: { json: unknown }): string | undefined => (request.json as { model?: string }).model;

describe.skipIf(redisCheck.skip || postgresCheck.skip)('three gateway processes sharing Redis and Postgres', () => {
  let upstream: FakeUpstream;
  /** When each upstream call arrived, by model. */
  const arrivals = new Map<string, number[]>();
  /** Calls of the `narrow` model in the upstream now, and the most at once. */
  const narrow = { now: 0, most: 0 };

  beforeAll(async () => {
    await transpileSources(compiled);
    // The dashboard's page assets sit beside src/, as in the checkout.
    symlinkSync(join(REPO, 'web'), join(compiled, 'web'));
    upstream = await startFakeUpstream(async (request) => {
      const model = modelOf(request) ?? 'x';
      arrivals.set(model, [...(arrivals.get(model) ?? []), Date.now()]);
      if (model === 'broken') return { kind: 'json', status: 500, body: { error: { message: 'upstream down', type: 'server_error' } } };
      if (model === 'narrow') {
        // Held a while, so that requests overlap; the most seen at once is what the limit bounds.
        narrow.now += 1;
        narrow.most = Math.max(narrow.most, narrow.now);
        await new Promise((resolve) => setTimeout(resolve, 200));
        narrow.now -= 1;
      }
      return completion(model, 'hello');
    });
  }, 120_000);

  afterAll(async () => {
    await upstream?.close();
    rmSync(compiled, { recursive: true, force: true });
  });

  it('never exceeds a global $1.00 budget under 600 concurrent requests; refusals are 429 budget_exceeded; the Postgres ledger has every request', async () => {
    const cluster = await startCluster(upstream, {
      deployments: [deployment('fake/budget')],
      accounting: { budgets: [{ scope: 'global', period: 'day', limitUsd: 1 }] },
    });
    try {
      const answers = await Promise.all(Array.from({ length: 600 }, (_, i) => chat(cluster.gateways[i % 3]!, 'fake/budget')));
      const ok = answers.filter((answer) => answer.status === 200).length;
      const refused = answers.filter((answer) => answer.status !== 200);
      for (const answer of refused) {
        expect(answer).toMatchObject({ status: 429, body: { error: { code: 'budget_exceeded', type: 'insufficient_quota' } } });
      }
      // Every process answered some and refused some: the budget is one across the three.
      for (let g = 0; g < 3; g += 1) {
        const mine = answers.filter((_, i) => i % 3 === g);
        expect(mine.some((answer) => answer.status === 200)).toBe(true);
      }
      expect(ok).toBeGreaterThan(250);
      expect(ok).toBeLessThanOrEqual(333);
      expect(arrivals.get('budget')?.length).toBe(ok);

      await cluster.stop();
      const groups = await ledgerGroups(cluster.schema);
      const requests = groups.filter((group) => group.kind === 'request');
      expect(requests.reduce((sum, group) => sum + group.n, 0)).toBe(600);
      expect(requests.reduce((sum, group) => sum + group.usd, 0)).toBeLessThanOrEqual(1);
      expect(requests.find((group) => group.outcome === 'ok')?.n).toBe(ok);
      const refusedRows = requests.filter((group) => group.outcome !== 'ok');
      expect(refusedRows.map((group) => group.error_code)).toEqual(refused.length === 0 ? [] : ['budget_exceeded']);
      expect(refusedRows.reduce((sum, group) => sum + group.n, 0)).toBe(refused.length);
    } finally {
      await cluster.cleanUp();
    }
  }, 180_000);

  it('holds a per-deployment 60 RPM limit across the three to within one request', async () => {
    const cluster = await startCluster(upstream, { deployments: [deployment('fake/limited', { limits: { requestsPerMinute: 60 } })] });
    try {
      const answers: Answer[] = [];
      // Rounds of one request per process, so all three race for the same window.
      for (let round = 0; round < 40; round += 1) answers.push(...(await Promise.all(cluster.gateways.map((gateway) => chat(gateway, 'fake/limited')))));
      const times = arrivals.get('limited') ?? [];
      const reached = times.length;
      expect(reached).toBeGreaterThanOrEqual(59);
      // Within any minute (all of them, unless a slow machine stretched the rounds past one).
      expect(times.filter((at) => at - times[0]! < 59_000).length).toBeLessThanOrEqual(61);
      expect(answers.filter((answer) => answer.status === 200).length).toBe(reached);
      for (const answer of answers.filter((a) => a.status !== 200)) expect(answer).toMatchObject({ status: 429, body: { error: { code: 'rate_limited' } } });
    } finally {
      await cluster.cleanUp();
    }
  }, 180_000);

  it('holds a deployment at 2 requests in flight across the three; the others are shed with 429 queue_full', async () => {
    const cluster = await startCluster(upstream, { deployments: [deployment('fake/narrow', { limits: { maxConcurrent: 2 } })] });
    try {
      const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => chat(cluster.gateways[i % 3]!, 'fake/narrow')));
      expect(narrow.most).toBeGreaterThanOrEqual(1);
      expect(narrow.most).toBeLessThanOrEqual(2);
      const ok = answers.filter((answer) => answer.status === 200).length;
      expect(ok).toBe(arrivals.get('narrow')?.length);
      for (const answer of answers.filter((a) => a.status !== 200)) expect(answer).toMatchObject({ status: 429, body: { error: { code: 'queue_full' } } });
    } finally {
      await cluster.cleanUp();
    }
  }, 180_000);

  it('stops traffic from the other two once failures seen by one open the breaker', async () => {
    const cluster = await startCluster(upstream, { deployments: [deployment('fake/broken')] });
    const redis = new Redis(REDIS_URL);
    try {
      const [first, second, third] = cluster.gateways as [GatewayProcess, GatewayProcess, GatewayProcess];
      const openUntil = async (): Promise<number | undefined> => {
        const message = await redis.hget(`${cluster.prefix}breakers`, 'fake/broken');
        const record = message === null ? undefined : (JSON.parse(message) as { record: { state: string; openUntil: number } }).record;
        return record?.state === 'open' ? record.openUntil : undefined;
      };
      // Failures through the first process only, until the shared record says open.
      let until: number | undefined;
      for (let i = 0; i < 30 && until === undefined; i += 1) {
        await chat(first, 'fake/broken');
        until = await openUntil();
      }
      expect(until).toBeDefined();
      const openedAt = Date.now();
      const before = arrivals.get('broken')?.length ?? 0;
      expect(before).toBeGreaterThan(0);
      const answers = await Promise.all([second, third, second, third].map((gateway) => chat(gateway, 'fake/broken')));
      expect(answers.every((answer) => answer.status >= 500)).toBe(true);
      // Half-open probes may follow once the cool-down ends; while the breaker is open nobody calls.
      const whileOpen = (arrivals.get('broken') ?? []).slice(before).filter((at) => at < until!);
      expect(openedAt).toBeLessThan(until!);
      expect(whileOpen).toEqual([]);
    } finally {
      redis.disconnect();
      await cluster.cleanUp();
    }
  }, 180_000);
});
