import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/state/index.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { REPO, transpileSources } from '../support/transpile-sources.js';
import { completion, textStream } from '../e2e/openai-wire.js';
import { ADMIN_KEY, accountedConfig } from './start-accounted-gateway.js';

// Inside the checkout, so that the child resolves its packages from node_modules.
const compiled = join(REPO, 'test-artifacts', `gateway-crash-${process.pid}`);
const work = mkdtempSync(join(tmpdir(), 'switchyard-gateway-crash-'));
const dataDir = join(work, 'data');
const configPath = join(work, 'config.json');
const PER_REQUEST_USD = 20 * 1e-6 + 900 * 1e-5;

let upstream: FakeUpstream;

interface Child {
  process: ChildProcessWithoutNullStreams;
  url: string;
  stderr(): string;
  exited: Promise<NodeJS.Signals | number | null>;
}

async function startChild(): Promise<Child> {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'gateway-child.mjs'), compiled, configPath, dataDir], {
    env: { ...process.env, SWITCHYARD_ADMIN_KEY: ADMIN_KEY },
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((done) => child.on('exit', (code, signal) => done(signal ?? code)));
  const url = await new Promise<string>((done, fail) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening (\S+)\n/.exec(out);
      if (match?.[1] !== undefined) done(match[1]);
    });
    void exited.then(() => fail(new Error(`gateway child exited early: ${stderr}`)));
  });
  return { process: child, url, stderr: () => stderr, exited };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- admin answers are read loosely in tests
async function admin(url: string, path: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  return { status: response.status, body: await response.json() };
}

beforeAll(async () => {
  await transpileSources(compiled);
  upstream = await startFakeUpstream(async (request) => {
    const body = request.json as { stream?: boolean; model: string };
    await new Promise((resolve) => setTimeout(resolve, 5));
    return body.stream === true
      ? textStream(body.model, ['x', 'y'], { usage: { input: 20, output: 900 } })
      : completion(body.model, 'xy', { usage: { input: 20, output: 900 } });
  });
  writeFileSync(configPath, JSON.stringify(accountedConfig(upstream.url)));
}, 120_000);

afterAll(async () => {
  await upstream?.close();
  rmSync(compiled, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

describe('the gateway killed with SIGKILL mid-load', () => {
  it('keeps every completed request in the ledger, and keys, budgets, spend and alert state across the restart', async () => {
    const first = await startChild();
    const created = await admin(first.url, '/admin/keys', { method: 'POST', body: { owner: 'crash', team: 'ops' } });
    expect(created.status).toBe(201);
    const { id: keyId, key } = created.body as { id: string; key: string };
    // The key budget's 1% threshold fires on the first settled request, once per period.
    expect((await admin(first.url, '/admin/budgets', { method: 'PUT', body: { scope: 'key', scope_id: keyId, period: 'month', limit_usd: 100, alert_thresholds: [0.0001] } })).status).toBe(200);
    expect((await admin(first.url, '/admin/budgets', { method: 'PUT', body: { scope: 'team', scope_id: 'ops', period: 'total', limit_usd: 1000 } })).status).toBe(200);

    const client = new OpenAI({ baseURL: `${first.url}/v1`, apiKey: key, maxRetries: 0, timeout: 20_000 });
    const completed: string[] = [];
    let killed = false;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (!killed) {
        const requestId = `crash-${next++}`;
        const params = { model: 'fake/small', messages: [{ role: 'user' as const, content: 'hi' }] };
        try {
          if (next % 2 === 0) {
            await client.chat.completions.create(params, { headers: { 'x-request-id': requestId } });
          } else {
            const stream = await client.chat.completions.create({ ...params, stream: true }, { headers: { 'x-request-id': requestId } });
            // The SDK ends the iteration only on [DONE]; a cut connection throws instead.
            for await (const chunk of stream) void chunk;
          }
          completed.push(requestId);
          if (completed.length >= 150 && !killed) {
            killed = true;
            first.process.kill('SIGKILL');
          }
        } catch {
          // Requests in flight at the kill fail; the client never saw them complete.
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    expect(await first.exited).toBe('SIGKILL');
    expect(first.stderr()).toContain('budget alert');

    const second = await startChild();
    try {
      const keys = await admin(second.url, '/admin/keys');
      expect(keys.body.data.map((k: { id: string }) => k.id)).toContain(keyId);
      const budgets = await admin(second.url, '/admin/budgets');
      expect(budgets.body.data.map((b: { scope: string }) => b.scope).sort()).toEqual(['key', 'team']);
      const keyBudget = budgets.body.data.find((b: { scope: string }) => b.scope === 'key');
      expect(keyBudget.spent_usd).toBeGreaterThanOrEqual(completed.length * PER_REQUEST_USD - 1e-9);
      const spend = await admin(second.url, `/admin/spend?group_by=key&key_id=${keyId}`);
      expect(spend.body.data[0].cost_usd).toBeCloseTo(keyBudget.spent_usd, 9);
      // The key still works, and more spend does not fire the same alert again.
      const again = new OpenAI({ baseURL: `${second.url}/v1`, apiKey: key, maxRetries: 0 });
      await again.chat.completions.create({ model: 'fake/small', messages: [{ role: 'user', content: 'after restart' }] });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(second.stderr()).not.toContain('budget alert');
    } finally {
      second.process.kill('SIGTERM');
      await second.exited;
    }

    const store = await SqliteStore.open({ dataDir });
    try {
      const rows = (await store.ledger.listEntries()).filter((e) => e.kind === 'request');
      const recorded = new Set(rows.map((e) => e.requestId));
      const missing = completed.filter((id) => !recorded.has(id));
      console.info(`gateway crash: ${completed.length} requests completed before SIGKILL, ${rows.length} request rows after restart, ${missing.length} missing`);
      expect(missing).toEqual([]);
      for (const row of rows.filter((r) => completed.includes(r.requestId))) {
        expect(row).toMatchObject({ keyId, team: 'ops', deploymentId: 'fake/small', outcome: 'ok', inputTokens: 20, outputTokens: 900 });
        expect(row.costUsd).toBeCloseTo(PER_REQUEST_USD, 9);
      }
    } finally {
      await store.close();
    }
  }, 120_000);
});
