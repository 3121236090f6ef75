import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { configSchema } from '../../src/config/config-schema.js';
import { serveGateway } from '../../src/server/serve-gateway.js';
import { createLogger } from '../../src/telemetry/create-logger.js';
import { batchedLogDestination } from '../../src/telemetry/tick-batched-destination.js';
import { benchDeployments, benchRequestBody } from './bench-workload.js';
import { heapAllocatedDuring } from './heap-allocated-during.js';
import { mainThreadCpuNs } from './main-thread-cpu.js';

/**
 * CPU microseconds (the whole process's, then the main thread's alone) and V8 heap bytes allocated
 * on the main thread per request of `serveGateway` in this process, with the fake upstream in a
 * child process. The client's own CPU and garbage are included (the same for every variant), so
 * compare runs of this script with each other, not with the overhead table.
 *
 *   node dist/bench/overhead/cpu-per-request.js [requests=3000] [json|stream] [one|auto]
 */
const total = Number(process.argv[2] ?? 3000);
const mode = process.argv[3] ?? 'json';
const routed = process.argv[4] === 'auto';
const concurrency = 16;

const here = dirname(fileURLToPath(import.meta.url));
const upstreamProcess = fork(join(here, 'fake-upstream.js'), [], { stdio: 'ignore' });
const upstreamPort = await new Promise<number>((resolve) => {
  upstreamProcess.on('message', (message: { port?: number }) => {
    if (message.port !== undefined) resolve(message.port);
  });
});

const deployments = benchDeployments(routed);
const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-cpu-'));
const config = configSchema.parse({
  providers: { bench: { type: 'openai', baseUrl: `http://127.0.0.1:${upstreamPort}/v1`, apiKey: 'sk-bench-upstream' } },
  deployments,
  simulated: 'off',
  autoDetectProviders: false,
  dataDir,
  keys: { enabled: true },
  logging: { level: 'info' },
});
// The production logger (redaction included), writing asynchronously as it does to stdout.
const logger = createLogger({ level: 'info', destination: batchedLogDestination('/dev/null') });
const running = await serveGateway({ config, env: {}, port: 0, host: '127.0.0.1', watch: false, logger });
const created = await running.accounting.accounting.keys.createKey({ owner: 'bench', team: 'bench' });

const client = new Pool(`http://127.0.0.1:${running.port}`, { connections: concurrency });
const body = benchRequestBody(routed, mode === 'stream');
const headers = { 'content-type': 'application/json', authorization: `Bearer ${created.key}` };

async function drive(count: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next += 1;
      const res = await client.request({ path: '/v1/chat/completions', method: 'POST', headers, body });
      await res.body.text();
      if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

await drive(Math.min(1000, total));
const before = process.cpuUsage();
const mainBefore = mainThreadCpuNs();
const started = performance.now();
const allocated = await heapAllocatedDuring(() => drive(total));
const used = process.cpuUsage(before);
const mainAfter = mainThreadCpuNs();
const wallMs = performance.now() - started;
const perRequestUs = (used.user + used.system) / total;
process.stdout.write(
  `${mode} ${routed ? 'auto' : 'one'}: ${total} requests, ${perRequestUs.toFixed(0)} µs CPU per request (user ${(used.user / total).toFixed(0)}, system ${(used.system / total).toFixed(0)}), ` +
    `${(allocated / total / 1000).toFixed(0)} kB allocated per request, ${(wallMs / 1000).toFixed(1)} s wall` +
    (mainBefore === undefined || mainAfter === undefined ? '' : `, main thread ${((mainAfter - mainBefore) / 1000 / total).toFixed(0)} µs CPU per request`) + '\n',
);

await client.close();
await running.close();
upstreamProcess.kill();
rmSync(dataDir, { recursive: true, force: true });
