import OpenAI from 'openai';
import { parseConfig } from '../../src/config/load-config.js';
import { buildGateway } from '../../src/engine/build-gateway.js';
import type { Gateway } from '../../src/engine/gateway.js';
import { startServer, type ServerOptions } from '../../src/server/create-server.js';

export interface TestGateway {
  url: string;
  gateway: Gateway;
  client: OpenAI;
  close(): Promise<void>;
}

/** Simulated models without random failures and with short latencies, for deterministic tests. */
export const QUIET_SIMULATED = { failures: false, ttftMs: 5, ttftJitterMs: 0, outputTokensPerSecond: 5000 };

/** Builds the gateway from a config document, serves it on an ephemeral port, and points the official client at it. */
export async function startTestGateway(document: unknown, serverOptions: ServerOptions = {}): Promise<TestGateway> {
  const config = parseConfig(document, {});
  const gateway = buildGateway(config, { env: {} });
  const server = await startServer(gateway, { port: 0, host: '127.0.0.1', maxBodyBytes: config.server.maxBodyBytes, ...serverOptions });
  const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'test-key', maxRetries: 0, timeout: 10_000 });
  return {
    url: server.url,
    gateway,
    client,
    async close() {
      await server.close(500);
      await gateway.close();
    },
  };
}
