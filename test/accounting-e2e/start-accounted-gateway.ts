import { Writable } from 'node:stream';
import OpenAI from 'openai';
import { parseConfig } from '../../src/config/load-config.js';
import { buildGateway } from '../../src/engine/build-gateway.js';
import type { GatewayAccounting } from '../../src/engine/gateway-accounting.js';
import { openGatewayAccounting } from '../../src/engine/open-gateway-accounting.js';
import { accountingServerOptions } from '../../src/server/accounting-server-options.js';
import { createServer } from '../../src/server/create-server.js';
import { observeGateway } from '../../src/server/observe-gateway.js';
import { telemetryRoutes } from '../../src/server/telemetry-routes.js';
import { createLogger } from '../../src/telemetry/create-logger.js';
import { createTelemetry } from '../../src/telemetry/create-telemetry.js';

export const ADMIN_KEY = 'sy-admin-master-7f3c9a1e5b2d4f6a8c0e';
export const UPSTREAM_KEY = 'sk-upstream-secret-d41d8cd98f00b204';

const CAPABILITIES = { tools: true, vision: false, json: true, streaming: true, embeddings: true };

/**
 * Two metered deployments on one fake OpenAI-compatible upstream. `fake/small` costs $1 / $10
 * per million tokens in / out with at most 1,000 output tokens, so its worst case is about a cent.
 */
export function accountedConfig(upstreamUrl: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    simulated: 'off',
    autoDetectProviders: false,
    keys: { enabled: true },
    providers: { fake: { type: 'openai-compatible', baseUrl: `${upstreamUrl}/v1`, apiKey: UPSTREAM_KEY } },
    deployments: [
      {
        id: 'fake/small', provider: 'fake', model: 'small-model', pricing: { inputPerMTok: 1, outputPerMTok: 10 },
        contextWindow: 32_000, maxOutputTokens: 1_000, capabilities: CAPABILITIES, quality: { default: 0.6 },
      },
      {
        id: 'fake/large', provider: 'fake', model: 'large-model', pricing: { inputPerMTok: 10, outputPerMTok: 100 },
        contextWindow: 32_000, maxOutputTokens: 1_000, capabilities: CAPABILITIES, quality: { default: 0.95 },
      },
    ],
    ...extra,
  };
}

export interface AccountedGateway {
  url: string;
  accounting: GatewayAccounting;
  /** A client holding `apiKey`, pointed at the gateway. */
  client(apiKey: string): OpenAI;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- admin answers are read loosely in tests
  admin(path: string, init?: { method?: string; body?: unknown; key?: string | null }): Promise<{ status: number; body: any }>;
  logText(): string;
  close(): Promise<void>;
}

/** The server as the CLI composes it: telemetry, cost control, the admin API; logs kept in memory. */
export async function startAccountedGateway(document: unknown, options: { dataDir?: string; adminKey?: string | null; clock?: () => number } = {}): Promise<AccountedGateway> {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  const logger = createLogger({ destination, level: 'debug' });
  const telemetry = createTelemetry({ logger });
  const config = parseConfig(document, {});
  const accounting = await openGatewayAccounting({
    config, logger, metricsRegistry: telemetry.metrics.registry,
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  const gateway = buildGateway(config, { env: {}, accounting });
  const adminKey = options.adminKey === null ? undefined : (options.adminKey ?? ADMIN_KEY);
  const cost = accountingServerOptions(accounting, adminKey === undefined ? {} : { adminKey });
  const server = createServer(observeGateway(gateway, telemetry.observer), {
    maxBodyBytes: config.server.maxBodyBytes,
    hooks: cost.hooks,
    routes: { ...(await telemetryRoutes(telemetry, adminKey === undefined ? {} : { adminKey })), ...cost.routes },
    onServerError: (error, exchange) => logger.error({ err: error, requestId: exchange.requestId, headers: exchange.req.headers }, 'server error'),
  });
  const { url } = await server.listen(0);
  return {
    url,
    accounting,
    client: (apiKey) => new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0, timeout: 30_000 }),
    async admin(path, init = {}) {
      const response = await fetch(`${url}${path}`, {
        method: init.method ?? 'GET',
        headers: {
          ...(init.key === null ? {} : { authorization: `Bearer ${init.key ?? ADMIN_KEY}` }),
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
      return { status: response.status, body: await response.json() };
    },
    logText: () => chunks.join(''),
    async close() {
      await server.close(1_000);
      await gateway.close();
      await accounting.close();
      await telemetry.close();
    },
  };
}
