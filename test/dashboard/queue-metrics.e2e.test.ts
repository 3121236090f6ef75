import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { serveGateway, type RunningGateway } from '../../src/server/serve-gateway.js';
import { startFakeUpstream, type FakeReply, type FakeUpstream } from '../support/fake-upstream.js';
import { completion } from '../e2e/openai-wire.js';
import { metricSample } from '../support/metric-sample.js';

describe('in-flight and queued gauges while requests wait for a concurrency slot', () => {
  let upstream: FakeUpstream;
  let running: RunningGateway;
  let dataDir: string;
  // Upstream answers held back until the test lets them go, oldest first.
  const held: Array<() => void> = [];

  beforeAll(async () => {
    upstream = await startFakeUpstream(() => new Promise<FakeReply>((resolve) => held.push(() => resolve(completion('m', 'hello')))));
    dataDir = mkdtempSync(join(tmpdir(), 'switchyard-queue-metrics-'));
    const config = parseConfig(
      {
        simulated: 'off',
        autoDetectProviders: false,
        providers: { q: { type: 'openai-compatible', baseUrl: `${upstream.url}/v1`, apiKey: 'sk-q' } },
        deployments: [{ id: 'q/m', provider: 'q', model: 'm', pricing: { inputPerMTok: 1, outputPerMTok: 2 }, limits: { maxConcurrent: 1 } }],
        accounting: { store: 'memory' },
        telemetry: { decisions: { store: 'memory' } },
        logging: { level: 'silent' },
      },
      {},
    );
    running = await serveGateway({ config, env: {}, dataDir, port: 0, host: '127.0.0.1', logger: pino({ level: 'silent' }) });
  });
  afterAll(async () => {
    for (const release of held.splice(0)) release();
    await running.close();
    await upstream.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const scrape = async (): Promise<string> => (await fetch(`${running.url}/metrics`)).text();
  const gauges = async () => {
    const text = await scrape();
    return {
      queued: metricSample(text, 'switchyard_requests_queued', { deployment: 'q/m' }),
      deploymentInFlight: metricSample(text, 'switchyard_deployment_in_flight', { deployment: 'q/m' }),
      requestsInFlight: metricSample(text, 'switchyard_requests_in_flight'),
    };
  };

  it('shows the waiting requests, then empties as slots free up', async () => {
    const client = new OpenAI({ baseURL: `${running.url}/v1`, apiKey: 'unused', maxRetries: 0, timeout: 20_000 });
    const answers = Array.from({ length: 3 }, () => client.chat.completions.create({ model: 'q/m', messages: [{ role: 'user', content: 'Hi.' }] }));
    // One request holds the only slot upstream; the other two wait in the deployment's queue.
    await expect.poll(() => upstream.requests.length).toBe(1);
    await expect.poll(gauges).toEqual({ queued: 2, deploymentInFlight: 1, requestsInFlight: 3 });

    held.shift()?.();
    await expect.poll(() => upstream.requests.length).toBe(2);
    await expect.poll(gauges).toEqual({ queued: 1, deploymentInFlight: 1, requestsInFlight: 2 });

    held.shift()?.();
    await expect.poll(() => upstream.requests.length).toBe(3);
    held.shift()?.();
    const done = await Promise.all(answers);
    expect(done.map((answer) => answer.choices[0]?.message.content)).toEqual(['hello', 'hello', 'hello']);
    expect(await gauges()).toEqual({ queued: 0, deploymentInFlight: 0, requestsInFlight: 0 });
  });
});
