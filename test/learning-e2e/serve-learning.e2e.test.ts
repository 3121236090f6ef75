import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { serveGateway, type RunningGateway } from '../../src/server/serve-gateway.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { answerByModel, ask, fakeDeployment } from './start-learning-gateway.js';

const ADMIN_KEY = 'sy-admin-learning-3b9f2c7d1e8a';
const PROMPT = 'Translate "good morning" into French.';

/** `serve` as the CLI starts it: keys on, SQLite feedback in the data dir. */
describe('serve wires feedback and experiments', () => {
  let upstream: FakeUpstream;
  let dataDir: string;
  let document: Record<string, unknown>;

  const start = async (): Promise<RunningGateway> =>
    serveGateway({ config: parseConfig(document, {}), env: { SWITCHYARD_ADMIN_KEY: ADMIN_KEY }, dataDir, port: 0, host: '127.0.0.1', logger: pino({ level: 'silent' }) });

  const request = async (run: RunningGateway, path: string, init: { method?: string; key?: string; body?: unknown } = {}): Promise<{ status: number; body: Record<string, unknown> }> => {
    const response = await fetch(`${run.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { 'content-type': 'application/json', ...(init.key === undefined ? {} : { authorization: `Bearer ${init.key}` }) },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    upstream = await startFakeUpstream(answerByModel);
    dataDir = mkdtempSync(join(tmpdir(), 'switchyard-serve-learning-'));
    document = {
      simulated: 'off',
      autoDetectProviders: false,
      keys: { enabled: true },
      providers: { fake: { type: 'openai-compatible', baseUrl: `${upstream.url}/v1`, apiKey: 'upstream-key' } },
      deployments: [fakeDeployment('fake/one', 'one-model', { quality: 0.8 })],
      // No exploration share, so the estimate after the restart is always the feedback's.
      learning: { explorationFloor: 0 },
      experiments: { trial: { arms: [{ name: 'a', deployment: 'fake/one' }, { name: 'b', policy: 'balanced' }] } },
    };
  });

  afterAll(async () => {
    await upstream.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('authenticates feedback like other /v1 calls, guards the experiment API, and keeps feedback across a restart', async () => {
    let run = await start();
    try {
      const created = await request(run, '/admin/keys', { method: 'POST', key: ADMIN_KEY, body: { owner: 'tester' } });
      expect(created.status).toBe(201);
      const key = created.body.key as string;
      const client = new OpenAI({ baseURL: `${run.url}/v1`, apiKey: key, maxRetries: 0, timeout: 10_000 });
      const { decisionId } = await ask(client, 'experiment/trial', PROMPT);

      expect((await request(run, '/v1/feedback', { method: 'POST', body: { decision_id: decisionId, score: 1 } })).status).toBe(401);
      let posted = { status: 0, body: {} as Record<string, unknown> };
      for (let i = 0; i < 50 && posted.status !== 200; i += 1) {
        posted = await request(run, '/v1/feedback', { method: 'POST', key, body: { decision_id: decisionId, thumbs: 'up' } });
        if (posted.status === 404) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(posted.status).toBe(200);
      expect(posted.body).toMatchObject({ deployment: 'fake/one', score: 1, experiment: { id: 'trial' } });

      expect((await request(run, '/admin/experiments/trial', { key })).status).toBe(401);
      const report = await request(run, '/admin/experiments/trial', { key: ADMIN_KEY });
      expect(report.status).toBe(200);
      expect((report.body.arms as Array<{ requests: number }>).reduce((s, a) => s + a.requests, 0)).toBe(1);
      const audit = await request(run, `/admin/decisions?id=${decisionId}`, { key: ADMIN_KEY });
      expect((audit.body.data as Array<{ feedback?: unknown[] }>)[0]?.feedback).toHaveLength(1);
    } finally {
      await run.close();
    }

    run = await start();
    try {
      const report = await request(run, '/admin/experiments', { key: ADMIN_KEY });
      expect(report.status).toBe(200);
      // The restarted process replayed the stored score into its estimates.
      const created = await request(run, '/admin/keys', { method: 'POST', key: ADMIN_KEY, body: { owner: 'tester2' } });
      const client = new OpenAI({ baseURL: `${run.url}/v1`, apiKey: created.body.key as string, maxRetries: 0, timeout: 10_000 });
      const routed = await client.chat.completions.create({ model: 'fake/one', messages: [{ role: 'user', content: PROMPT }] }).withResponse();
      expect(routed.response.status).toBe(200);
      const decisions = await request(run, '/admin/decisions?limit=1', { key: ADMIN_KEY });
      const reasons = (decisions.body.data as Array<{ candidates: Array<{ reasons: string[] }> }>)[0]?.candidates[0]?.reasons.join(' ');
      expect(reasons).toMatch(/feedback .* over 1 scores/);
    } finally {
      await run.close();
    }
  });
});
