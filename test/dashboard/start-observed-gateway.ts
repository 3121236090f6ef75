import { Writable } from 'node:stream';
import { createServer } from '../../src/server/create-server.js';
import type { Exchange } from '../../src/server/exchange.js';
import { observeGateway } from '../../src/server/observe-gateway.js';
import { telemetryRoutes } from '../../src/server/telemetry-routes.js';
import { GatewayError } from '../../src/errors/gateway-error.js';
import { createLogger } from '../../src/telemetry/create-logger.js';
import { createTelemetry, type Telemetry } from '../../src/telemetry/create-telemetry.js';
import { ScriptedGateway } from './scripted-gateway.js';

/** Secrets used in a run, so that tests can check none of them reaches the log. */
export const SECRETS = {
  adminKey: 'sk-admin-0123456789abcdefABCDEF',
  clientKey: 'sk-sy-client-9876543210zyxwvuTSRQ',
  upstreamKey: 'sk-proj-upstream-AAAABBBBCCCCDDDD1234',
} as const;

export interface ObservedGateway {
  url: string;
  telemetry: Telemetry;
  gateway: ScriptedGateway;
  logLines(): string[];
  close(): Promise<void>;
}

/**
 * The real server with telemetry wired in (the gateway wrapper, the routes, a principal hook
 * standing in for key authentication), in front of the scripted gateway. Log lines are kept in
 * memory.
 */
export async function startObservedGateway(options: { logPrompts?: boolean; delayMs?: number } = {}): Promise<ObservedGateway> {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  const logger = createLogger({ destination, level: 'debug' });
  const telemetry = createTelemetry({ logger, logging: { logPrompts: options.logPrompts === true } });
  const gateway = new ScriptedGateway(options.delayMs);
  telemetry.attachLiveStats(() => gateway.stats());
  // What a misconfigured upstream logs: the configured provider object, key included, must come out censored.
  logger.info({ provider: { type: 'openai', apiKey: SECRETS.upstreamKey, headers: { authorization: `Bearer ${SECRETS.upstreamKey}` } } }, 'provider configured');
  const authenticate = (exchange: Exchange): void => {
    if (!exchange.path.startsWith('/v1/')) return;
    if (exchange.req.headers.authorization !== `Bearer ${SECRETS.clientKey}`) throw new GatewayError('unauthorized', 'Unknown API key.');
    exchange.context.principal = { keyId: 'key_client1', team: 'search' };
  };
  const server = createServer(observeGateway(gateway, telemetry.observer, { capturePrompts: telemetry.capturePrompts }), {
    routes: await telemetryRoutes(telemetry, { adminKey: SECRETS.adminKey }),
    hooks: { onRequest: [authenticate] },
    onServerError: (error, exchange) => logger.error({ err: error, requestId: exchange.requestId, headers: exchange.req.headers }, 'server error'),
  });
  const { url } = await server.listen(0);
  return {
    url,
    telemetry,
    gateway,
    logLines: () => chunks.join('').split('\n').filter(Boolean),
    async close() {
      await server.close(1_000);
      await telemetry.close();
    },
  };
}
