import { Writable } from 'node:stream';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { buildGateway } from '../../src/engine/build-gateway.js';
import type { Gateway } from '../../src/engine/gateway.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SwitchyardServer } from '../../src/server/create-server.js';
import { createObservedServer } from '../../src/server/create-observed-server.js';
import { openTelemetry } from '../../src/server/open-telemetry.js';
import { createLogger } from '../../src/telemetry/create-logger.js';
import type { Telemetry } from '../../src/telemetry/create-telemetry.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { scripted, testConfig, type Script } from '../e2e/gateway-config.js';
import { completion, openAIError, textStream } from '../e2e/openai-wire.js';

const UPSTREAM_KEY = 'sk-proj-UPSTREAMkey0123456789abcdef';
const ADMIN_KEY = 'sk-admin-REALengine0123456789';
const CLIENT_KEY = 'sk-client-REALengine9876543210';

function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (wanted.every((pair) => line.includes(pair))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

/** The real engine (config, routing, adapters, attempt loop) against a fake upstream, with telemetry wired through the server. */
describe('observability over the real engine', () => {
  let upstream: FakeUpstream;
  let gateway: Gateway;
  let server: SwitchyardServer;
  let telemetry: Telemetry;
  let url: string;
  const chunks: string[] = [];
  let script: Script = {};
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-telemetry-'));

  beforeAll(async () => {
    upstream = await startFakeUpstream(scripted(() => script));
    const document = testConfig(upstream.url, { dataDir, logging: { level: 'debug', logPrompts: true }, telemetry: { decisions: { store: 'sqlite', retentionDays: 7 } } });
    (document.providers as { fake: { apiKey: string } }).fake.apiKey = UPSTREAM_KEY;
    const config = parseConfig(document, {});
    const logger = createLogger({
      level: config.logging.level,
      destination: new Writable({
        write(chunk: Buffer, _encoding, callback) {
          chunks.push(chunk.toString('utf8'));
          callback();
        },
      }),
    });
    telemetry = await openTelemetry(config, { logger });
    gateway = buildGateway(config, { env: {} });
    logger.debug({ config }, 'configuration loaded');
    server = await createObservedServer(gateway, telemetry, { adminKey: ADMIN_KEY });
    url = (await server.listen(0)).url;

    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: CLIENT_KEY, maxRetries: 0, timeout: 10_000 });
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: `Say hello. (key: ${UPSTREAM_KEY})` }];
    script = { 'primary-model': () => completion('primary-model', 'hello', { usage: { input: 1000, output: 500 } }) };
    await client.chat.completions.create({ model: 'fake/primary', messages });
    await client.chat.completions.create({ model: 'fake/primary', messages });
    script = { 'primary-model': () => textStream('primary-model', ['Hel', 'lo'], { usage: { input: 1000, output: 2 } }) };
    const stream = await client.chat.completions.create({ model: 'fake/primary', messages, stream: true, stream_options: { include_usage: true } });
    for await (const _chunk of stream) void _chunk;
    script = {
      'primary-model': () => openAIError(500, 'server_error', 'primary is down'),
      'backup-model': () => completion('backup-model', 'from backup', { usage: { input: 1000, output: 500 } }),
    };
    await client.chat.completions.create({ model: 'fake-only', messages });
    await new Promise((resolve) => setTimeout(resolve, 50));
  });

  afterAll(async () => {
    await server?.close(500);
    await gateway?.close();
    await telemetry?.close();
    await upstream?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('counts what the engine did', async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(sample(text, 'switchyard_requests_total', { deployment: 'fake/primary', outcome: 'ok', status: '200' })).toBe(3);
    expect(sample(text, 'switchyard_requests_total', { deployment: 'fake/backup', outcome: 'ok', status: '200' })).toBe(1);
    expect(sample(text, 'switchyard_attempt_winners_total', { deployment: 'fake/backup', role: 'fallback' })).toBe(1);
    expect(sample(text, 'switchyard_attempts_total', { deployment: 'fake/primary', outcome: 'server_error' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'switchyard_tokens_total', { deployment: 'fake/primary', kind: 'input' })).toBe(3000);
    // Two answers of 1000 in + 500 out at $1/$2 per M, and a stream of 1000 in + 2 out.
    expect(sample(text, 'switchyard_cost_usd_total', { deployment: 'fake/primary' })).toBeCloseTo(0.002 * 2 + 0.001004, 9);
  });

  it('has the decisions with their candidates and the fallback', async () => {
    const response = await fetch(`${url}/admin/decisions`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    const { data } = (await response.json()) as { data: Array<{ policy: string; candidates: Array<{ deploymentId: string }>; result: { winner?: string; firstPickFailed: boolean } }> };
    expect(data).toHaveLength(4);
    const fallback = data.find((d) => d.result.winner === 'fake/backup')!;
    expect(fallback.result.firstPickFailed).toBe(true);
    expect(fallback.candidates[0]?.deploymentId).toBe('fake/primary');
    // Kept in the SQLite audit log in the data directory.
    expect(telemetry.decisions.constructor.name).toBe('SqliteDecisionLog');
  });

  it('never writes a key to the log', () => {
    const lines = chunks.join('').split('\n').filter(Boolean);
    expect(lines.filter((line) => line.includes('"event":"request"'))).toHaveLength(4);
    expect(lines.some((line) => line.includes('[REDACTED:api-key]'))).toBe(true);
    for (const line of lines) {
      expect(line).not.toContain(UPSTREAM_KEY);
      expect(line).not.toContain(ADMIN_KEY);
      expect(line).not.toContain(CLIENT_KEY);
    }
  });
});
