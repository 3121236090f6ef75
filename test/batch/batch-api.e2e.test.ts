import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI, { toFile } from 'openai';
import { parseConfig } from '../../src/config/load-config.js';
import { openBatchRunner } from '../../src/engine/batch/open-batch-runner.js';
import { buildGateway } from '../../src/engine/build-gateway.js';
import type { Gateway } from '../../src/engine/gateway.js';
import { batchRoutes } from '../../src/server/batch-routes.js';
import { chatCompletionBody } from '../../src/server/chat-completion-body.js';
import { startServer, type SwitchyardServer } from '../../src/server/create-server.js';
import { parseChatRequest } from '../../src/server/parse-chat-request.js';
import { QUIET_SIMULATED } from '../e2e/start-test-gateway.js';

let dir: string;
let gateway: Gateway;
let server: SwitchyardServer & { url: string };
let client: OpenAI;
let batches: ReturnType<typeof openBatchRunner>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sy-batch-api-'));
  const config = parseConfig({ simulated: 'off', autoDetectProviders: false, deployments: [{ id: 'sim/mini', provider: 'simulated', model: 'gpt-4o-mini', settings: QUIET_SIMULATED }] }, {});
  gateway = buildGateway(config, { env: {} });
  batches = openBatchRunner({ dataDir: dir, gateway: () => gateway, concurrency: 3, parseRequest: parseChatRequest, formatResponse: chatCompletionBody });
  server = await startServer(gateway, { port: 0, routes: batchRoutes(batches.runner) });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'k', maxRetries: 0 });
});

afterAll(async () => {
  await server.close(500);
  await batches.close();
  await gateway.close();
  rmSync(dir, { recursive: true, force: true });
});


describe('Batch API with the official client', () => {
  it('uploads a JSONL file, runs a batch to completion and downloads the results', async () => {
    const lines = Array.from({ length: 8 }, (_, i) => JSON.stringify({ custom_id: `task-${i}`, method: 'POST', url: '/v1/chat/completions', body: { model: 'auto', messages: [{ role: 'user', content: `Say ${i}` }] } }));
    const file = await client.files.create({ file: await toFile(Buffer.from(lines.join('\n')), 'tasks.jsonl'), purpose: 'batch' });
    expect(file).toMatchObject({ object: 'file', purpose: 'batch', filename: 'tasks.jsonl' });
    expect((await client.files.retrieve(file.id)).bytes).toBe(file.bytes);
    const created = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    expect(created.status).toBe('in_progress');
    let batch = created;
    for (let i = 0; i < 200 && batch.status !== 'completed'; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      batch = await client.batches.retrieve(created.id);
    }
    expect(batch.status).toBe('completed');
    expect(batch.request_counts).toEqual({ total: 8, completed: 8, failed: 0 });
    const output = await (await client.files.content(batch.output_file_id ?? '')).text();
    const results = output.trim().split('\n').map((line) => JSON.parse(line) as { custom_id: string; response: { status_code: number; body: { choices: unknown[] } } });
    expect(results.map((r) => r.custom_id).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `task-${i}`).sort());
    expect(results.every((r) => r.response.status_code === 200 && r.response.body.choices.length === 1)).toBe(true);
    const list = await client.batches.list();
    expect(list.data.map((b) => b.id)).toContain(created.id);
  });

  it('accepts a raw JSONL body and refuses unknown endpoints', async () => {
    const response = await fetch(`${server.url}/v1/files?purpose=batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/jsonl' },
      body: JSON.stringify({ custom_id: 'a', method: 'POST', url: '/v1/chat/completions', body: { model: 'auto', messages: [{ role: 'user', content: 'hi' }] } }),
    });
    expect(response.status).toBe(200);
    const file = (await response.json()) as { id: string };
    await expect(client.batches.create({ input_file_id: file.id, endpoint: '/v1/embeddings', completion_window: '24h' })).rejects.toMatchObject({ status: 400 });
    await expect(client.batches.retrieve('batch_missing')).rejects.toMatchObject({ status: 404 });
  });
});
