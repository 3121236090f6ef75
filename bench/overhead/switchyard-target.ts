import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema } from '../../src/config/config-schema.js';
import { applyServerV8Flags } from '../../src/server/apply-server-v8-flags.js';
import { serveGateway } from '../../src/server/serve-gateway.js';
import { createLogger } from '../../src/telemetry/create-logger.js';
import { batchedLogDestination } from '../../src/telemetry/tick-batched-destination.js';
import { benchDeployments } from './bench-workload.js';
import { announceReady } from './announce-ready.js';

/**
 * Switchyard as `switchyard serve` runs it (`serveGateway`, the production composition root):
 * one OpenAI-compatible deployment (`bench/one`), or with BENCH_DEPLOYMENTS=5 five deployments
 * for the `auto` policy to choose from, all pointing at the fake upstream. Virtual keys required,
 * cost control with the SQLite ledger, the SQLite decision log, Prometheus metrics and request
 * logs at `info` (written to /dev/null, so their formatting is paid but no terminal is). The
 * client key it creates goes to the parent over IPC. BENCH_OFF (comma-separated: keys, ledger,
 * decisions, logs) turns parts off for an ablation run; see the README.
 */
// The V8 settings `switchyard serve` applies, so that the benchmark measures what ships.
applyServerV8Flags();
const upstream = process.env.BENCH_UPSTREAM ?? 'http://127.0.0.1:8000';
const routed = process.env.BENCH_DEPLOYMENTS === '5';
const off = new Set((process.env.BENCH_OFF ?? '').split(',').filter(Boolean));

const deployments = benchDeployments(routed);
const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
const config = configSchema.parse({
  providers: { bench: { type: 'openai', baseUrl: `${upstream}/v1`, apiKey: 'sk-bench-upstream' } },
  deployments,
  simulated: 'off',
  autoDetectProviders: false,
  dataDir,
  keys: { enabled: !off.has('keys') },
  accounting: { store: off.has('ledger') ? 'memory' : 'sqlite' },
  telemetry: { decisions: { store: off.has('decisions') ? 'memory' : 'sqlite' } },
  logging: { level: off.has('logs') ? 'warn' : 'info' },
});

// The production logger (redaction included), writing asynchronously as it does to stdout.
const logger = createLogger({ level: off.has('logs') ? 'warn' : 'info', destination: batchedLogDestination('/dev/null') });
const running = await serveGateway({ config, env: {}, port: 0, host: '127.0.0.1', watch: false, logger });
const created = await running.accounting.accounting.keys.createKey({ owner: 'bench', team: 'bench' });
if (process.send !== undefined) process.send({ key: `Bearer ${created.key}` });
announceReady(running.port);

const stop = async (): Promise<void> => {
  await running.close();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('disconnect', () => void stop());
