import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { serveGateway, type RunningGateway } from '../../src/server/serve-gateway.js';
import type { SeenRequest } from '../support/fake-upstream.js';
import { startFaultUpstream, type FaultUpstream } from '../support/fault-upstream.js';

const messages = [{ role: 'user' as const, content: 'Say hello.' }];
/** Health probes are one-token completions of `ping`; anything else is client traffic. */
const isProbe = (request: SeenRequest): boolean => (request.json as { max_tokens?: number; max_completion_tokens?: number } | undefined)?.max_completion_tokens === 1 || (request.json as { max_tokens?: number } | undefined)?.max_tokens === 1;

describe('active health checks started by serve', () => {
  let a: FaultUpstream;
  let b: FaultUpstream;
  let running: RunningGateway;
  let client: OpenAI;
  let dataDir: string;

  beforeAll(async () => {
    [a, b] = await Promise.all([startFaultUpstream({ seed: 21 }), startFaultUpstream({ seed: 22 })]);
    dataDir = mkdtempSync(join(tmpdir(), 'switchyard-health-checks-'));
    const deployment = (name: string, quality: number) => ({ id: `${name}/m`, provider: name, model: 'm', pricing: { inputPerMTok: 1, outputPerMTok: 2 }, quality: { default: quality } });
    const config = parseConfig(
      {
        simulated: 'off',
        autoDetectProviders: false,
        providers: {
          a: { type: 'openai-compatible', baseUrl: `${a.url}/v1`, apiKey: 'sk-a' },
          b: { type: 'openai-compatible', baseUrl: `${b.url}/v1`, apiKey: 'sk-b' },
        },
        // Short intervals keep the test quick; nothing below depends on how fast probes run.
        healthChecks: { enabled: true, intervalMs: 50, timeoutMs: 2_000, failuresToOpen: 2 },
        deployments: [deployment('a', 0.9), { ...deployment('b', 0.5), healthCheck: { enabled: false } }],
        policies: { pair: { deployments: ['a/m', 'b/m'], weights: { quality: 1, cost: 0, latency: 0, reliability: 0 }, maxAttempts: 1 } },
        accounting: { store: 'memory' },
        telemetry: { decisions: { store: 'memory' } },
        logging: { level: 'silent' },
      },
      {},
    );
    running = await serveGateway({ config, env: {}, dataDir, port: 0, host: '127.0.0.1', logger: pino({ level: 'silent' }) });
    client = new OpenAI({ baseURL: `${running.url}/v1`, apiKey: 'unused', maxRetries: 0, timeout: 10_000 });
  });
  let closed = false;
  afterAll(async () => {
    if (!closed) await running.close();
    await Promise.all([a.close(), b.close()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const breakerOf = (id: string) => running.gateway().stats().find((stats) => stats.deploymentId === id)?.breaker ?? 'closed';
  const answeredBy = async () => (await client.chat.completions.create({ model: 'pair', messages }).withResponse()).response.headers.get('x-switchyard-deployment');

  it('finds a deployment that went down, keeps requests off it, and lets it back once it is healthy', async () => {
    await expect.poll(() => a.requests.filter(isProbe).length).toBeGreaterThan(0);
    expect(b.requests.filter(isProbe)).toHaveLength(0);
    expect(await answeredBy()).toBe('a/m');

    a.setDown(true);
    await expect.poll(() => breakerOf('a/m'), { timeout: 10_000 }).toBe('open');
    const trafficBefore = a.requests.filter((request) => !isProbe(request)).length;
    // With one attempt allowed, a request routed to the dead deployment would fail: none is.
    for (let i = 0; i < 3; i += 1) expect(await answeredBy()).toBe('b/m');
    expect(a.requests.filter((request) => !isProbe(request))).toHaveLength(trafficBefore);
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toContain('switchyard_breaker_state{deployment="a/m"} 2');

    a.setDown(false);
    await expect.poll(() => breakerOf('a/m'), { timeout: 10_000 }).not.toBe('open');
    expect(await answeredBy()).toBe('a/m');
    expect(breakerOf('a/m')).toBe('closed');
  });

  it('stops probing when the gateway closes', async () => {
    await running.close();
    closed = true;
    const probes = a.requests.filter(isProbe).length;
    // Well past several intervals, nothing more arrives.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(a.requests.filter(isProbe)).toHaveLength(probes);
  });
});

describe('health checks across a config reload', () => {
  it('the replaced engine stops probing when the new config turns the checks off', async () => {
    const up = await startFaultUpstream({ seed: 23 });
    const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-health-reload-'));
    const configPath = join(dataDir, 'switchyard.yaml');
    const document = (checked: boolean) =>
      JSON.stringify({
        simulated: 'off',
        autoDetectProviders: false,
        providers: { up: { type: 'openai-compatible', baseUrl: `${up.url}/v1`, apiKey: 'sk-up' } },
        healthChecks: { enabled: checked, intervalMs: 50 },
        deployments: [{ id: 'up/m', provider: 'up', model: 'm', pricing: { inputPerMTok: 1, outputPerMTok: 2 } }],
        accounting: { store: 'memory' },
        telemetry: { decisions: { store: 'memory' } },
        logging: { level: 'silent' },
      });
    writeFileSync(configPath, document(true));
    const running = await serveGateway({ config: parseConfig(JSON.parse(document(true)), {}), configPath, watch: true, env: {}, dataDir, port: 0, host: '127.0.0.1', logger: pino({ level: 'silent' }) });
    try {
      await expect.poll(() => up.requests.filter(isProbe).length).toBeGreaterThan(0);
      const first = running.gateway();
      writeFileSync(configPath, document(false));
      await expect.poll(() => running.gateway() !== first, { timeout: 10_000 }).toBe(true);
      const probes = up.requests.filter(isProbe).length;
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(up.requests.filter(isProbe)).toHaveLength(probes);
    } finally {
      await running.close();
      await up.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
