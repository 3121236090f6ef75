import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { toFile } from 'openai';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { serveGateway, type RunningGateway } from '../../src/server/serve-gateway.js';
import type { BatchProgressView } from '../../src/telemetry/dashboard-snapshot.js';
import { startFakeOpenAIBatch, type FakeBatchProvider } from '../support/fake-batch-providers.js';

/** The served gateway: a batch on an OpenAI deployment goes through the fake Batch API and its progress shows on the dashboard. */
describe('batch progress in the API and on the dashboard', () => {
  let fake: FakeBatchProvider;
  let running: RunningGateway;
  let dataDir: string;

  beforeAll(async () => {
    fake = await startFakeOpenAIBatch();
    dataDir = mkdtempSync(join(tmpdir(), 'switchyard-batch-dashboard-'));
    const config = parseConfig(
      {
        simulated: 'off',
        autoDetectProviders: false,
        providers: { oai: { type: 'openai', baseUrl: `${fake.upstream.url}/v1`, apiKey: 'sk-test' } },
        deployments: [{ id: 'oai/gpt-4o-mini', provider: 'oai', model: 'gpt-4o-mini', pricing: { inputPerMTok: 1, outputPerMTok: 2, cachedInputPerMTok: 0.5 } }],
        accounting: { store: 'memory' },
        telemetry: { decisions: { store: 'memory' } },
        batches: { pollSeconds: 0.005 },
        logging: { level: 'silent' },
      },
      {},
    );
    running = await serveGateway({ config, env: {}, dataDir, port: 0, host: '127.0.0.1', logger: pino({ level: 'silent' }) });
  });
  afterAll(async () => {
    await running?.close();
    await fake?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const panel = async (): Promise<BatchProgressView[]> => ((await (await fetch(`${running.url}/admin/dashboard.json`)).json()) as { batches: BatchProgressView[] }).batches;

  it('shows a pending provider batch, then its completion and discounted cost', async () => {
    const client = new OpenAI({ baseURL: `${running.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const lines = ['one', 'two', 'three'].map((q, i) => JSON.stringify({ custom_id: `c-${i}`, method: 'POST', url: '/v1/chat/completions', body: { model: 'oai/gpt-4o-mini', messages: [{ role: 'user', content: q }] } }));
    const file = await client.files.create({ file: await toFile(Buffer.from(lines.join('\n')), 'in.jsonl'), purpose: 'batch' });
    const created = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    await expect.poll(() => fake.batches.size).toBe(1);
    expect(await panel()).toEqual([expect.objectContaining({ id: created.id, status: 'in_progress', total: 3, completed: 0, failed: 0, costUsd: 0 })]);

    fake.finish();
    await expect.poll(async () => (await client.batches.retrieve(created.id)).status).toBe('completed');
    expect((await client.batches.retrieve(created.id)).request_counts).toEqual({ total: 3, completed: 3, failed: 0 });
    const [row] = await panel();
    expect(row).toMatchObject({ id: created.id, status: 'completed', total: 3, completed: 3, failed: 0 });
    // 10 input and 5 output tokens a line at 1 and 2 USD per 1M, half price: 0.00001 each.
    expect(row?.costUsd).toBeCloseTo(3 * 0.00001, 12);
    expect(fake.directCalls()).toHaveLength(0);
  });
});
