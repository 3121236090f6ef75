import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Accounting } from '../../src/accounting/accounting.js';
import { configSchema } from '../../src/config/config-schema.js';
import { buildGateway } from '../../src/engine/build-gateway.js';
import type { Exchange } from '../../src/server/exchange.js';
import { createServer } from '../../src/server/create-server.js';
import { observeGateway } from '../../src/server/observe-gateway.js';
import { telemetryRoutes } from '../../src/server/telemetry-routes.js';
import { SqliteStore } from '../../src/state/sqlite-store.js';
import { createTelemetry } from '../../src/telemetry/create-telemetry.js';
import { announceReady } from './announce-ready.js';
import { ledgeredGateway } from './ledgered-gateway.js';

/**
 * Switchyard as the overhead benchmark runs it: one OpenAI-compatible deployment (`bench/one`),
 * or with BENCH_DEPLOYMENTS=5 five deployments for the `auto` policy to choose from, all pointing
 * at the fake upstream; API keys checked against the SQLite store, budgets reserved and settled, a
 * durable ledger row per request, Prometheus metrics and request logs (to /dev/null) on. The
 * client key it created goes to the parent over IPC.
 */
const upstream = process.env.BENCH_UPSTREAM ?? 'http://127.0.0.1:8000';
const routed = process.env.BENCH_DEPLOYMENTS === '5';
// For finding what costs what: BENCH_OFF=keys,ledger,telemetry turns those parts off.
const off = new Set((process.env.BENCH_OFF ?? '').split(',').filter(Boolean));

const deployments = routed
  ? ['gpt-4o-mini', 'gpt-4.1-mini', 'gpt-4.1-nano', 'gpt-4o', 'gpt-4.1'].map((model, index) => ({ id: `pool/m${index + 1}`, provider: 'bench', model }))
  : [{ id: 'bench/one', provider: 'bench', model: 'gpt-4o-mini' }];
const config = configSchema.parse({
  providers: { bench: { type: 'openai', baseUrl: `${upstream}/v1`, apiKey: 'sk-bench-upstream' } },
  deployments,
  simulated: 'off',
  autoDetectProviders: false,
  keys: { enabled: true },
  logging: { level: 'info' },
});

const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
const store = await SqliteStore.open({ dataDir });
const accounting = await Accounting.open({ store });
const created = await accounting.keys.createKey({ owner: 'bench', team: 'bench' });
const keyHeader = `Bearer ${created.key}`;
const telemetry = createTelemetry({ logging: { level: 'info', destination: (await import('pino')).default.destination('/dev/null') } });
const engine = buildGateway(config, { env: {}, pools: { connections: 256 } });
telemetry.attachLiveStats(() => engine.stats());
const accounted = off.has('ledger') ? engine : ledgeredGateway(engine, accounting, 0.01);
const gateway = off.has('telemetry') ? accounted : observeGateway(accounted, telemetry.observer, { capturePrompts: telemetry.capturePrompts });

const authenticate = async (exchange: Exchange): Promise<void> => {
  if (!exchange.path.startsWith('/v1/')) return;
  const principal = await accounting.keys.authenticate(exchange.req.headers.authorization);
  exchange.context.principal = principal.team === undefined ? { keyId: principal.keyId } : { keyId: principal.keyId, team: principal.team };
};
const server = createServer(gateway, { routes: await telemetryRoutes(telemetry, {}), hooks: { onRequest: off.has('keys') ? [] : [authenticate] }, keepAliveTimeoutMs: 60_000 });
const { port } = await server.listen(0);
if (process.send !== undefined) process.send({ key: keyHeader });
announceReady(port);

const stop = async (): Promise<void> => {
  await server.close(1_000);
  await gateway.close();
  await telemetry.close();
  await accounting.close();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('disconnect', () => void stop());
