import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createNetServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Agent, request } from 'undici';

/**
 * Throughput of `switchyard serve --workers N` for N = 1 and 2 against one fast fake upstream,
 * with shared state in Redis (REDIS_URL, default the local one), printed with their ratio.
 * Run after `npm run build`: `node dist/bench/multi-process.js [seconds] [concurrency] [rounds]`.
 * The upstream runs in this process and the load comes from wrk when installed (BENCH_DRIVER=undici
 * for the JavaScript driver), so on a small machine they take cores from the workers: read the
 * ratio against the core count and what else the machine is doing.
 */
const SECONDS = Number(process.argv[2] ?? 5);
const CONCURRENCY = Number(process.argv[3] ?? 64);
const ROUNDS = Math.max(1, Number(process.argv[4] ?? 3));
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
// BENCH_STORE=sqlite: the ledger in the data directory's SQLite file, which every worker shares.
const STORE = process.env.BENCH_STORE === 'sqlite' ? 'sqlite' : 'memory';
const CLI = resolve(import.meta.dirname, '../src/cli/main.js');
const USE_WRK = process.env.BENCH_DRIVER !== 'undici' && wrkAvailable();

const ANSWER = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1_764_000_000,
  model: 'bench-model',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Pooled connections keep warm sockets to each upstream.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 20, completion_tokens: 10, total_tokens: 30 },
});

function startUpstream(): Promise<Server> {
  const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(ANSWER);
    });
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

function freePort(): Promise<number> {
  const server = createNetServer();
  return new Promise((done) => server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    server.close(() => done(port));
  }));
}

function writeConfig(dir: string, upstreamUrl: string): string {
  const path = join(dir, 'switchyard.yaml');
  writeFileSync(
    path,
    [
      'simulated: off',
      'autoDetectProviders: false',
      `state: ${REDIS_URL}`,
      `accounting: { store: ${STORE} }`,
      'providers:',
      `  bench: { type: openai-compatible, baseUrl: "${upstreamUrl}/v1", apiKey: bench-key }`,
      'deployments:',
      '  - id: bench/model',
      '    provider: bench',
      '    model: bench-model',
      '    pricing: { inputPerMTok: 1, outputPerMTok: 2, cachedInputPerMTok: 0.1 }',
      '    contextWindow: 32000',
      '    maxOutputTokens: 4000',
      '    capabilities: { tools: false, vision: false, json: true, streaming: true, embeddings: false }',
      '    quality: { default: 0.8 }',
      '    latency: { ttftMs: 50, outputTokensPerSecond: 100 }',
      '',
    ].join('\n'),
  );
  return path;
}

async function waitReady(url: string): Promise<void> {
  for (let i = 0; i < 300; i += 1) {
    try {
      const response = await request(`${url}/healthz`);
      await response.body.dump();
      if (response.statusCode === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`gateway at ${url} did not become ready`);
}

const REQUEST_BODY = JSON.stringify({ model: 'bench/model', messages: [{ role: 'user', content: 'Explain connection pooling in one line.' }] });

/**
 * The load comes from wrk when it is installed: a C driver takes far less of the machine's CPU
 * than a JavaScript one, and on a small machine every core it takes is a core the workers lack
 * (with the JavaScript driver, two workers measured slower than one on two cores).
 */
function wrkAvailable(): boolean {
  return spawnSync('wrk', ['--version']).error === undefined;
}

async function driveWithWrk(url: string, dir: string): Promise<{ rps: number; errors: number }> {
  const script = join(dir, 'post.lua');
  writeFileSync(script, `wrk.method = "POST"\nwrk.headers["content-type"] = "application/json"\nwrk.body = ${JSON.stringify(REQUEST_BODY)}\n`);
  const threads = Math.max(1, Math.min(2, CONCURRENCY));
  // Not spawnSync: the fake upstream runs on this process's event loop.
  const child = spawn('wrk', ['-t', String(threads), '-c', String(CONCURRENCY), '-d', `${SECONDS}s`, '-s', script, `${url}/v1/chat/completions`]);
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const status = await new Promise<number | null>((done) => child.once('exit', done));
  if (status !== 0) throw new Error(`wrk exited with ${String(status)}: ${stdout}`);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? 0);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  const socketErrors = socket === null ? 0 : socket.slice(1).reduce((sum, n) => sum + Number(n), 0);
  return { rps, errors: non2xx + socketErrors };
}

async function drive(url: string, dir: string): Promise<{ rps: number; errors: number }> {
  if (USE_WRK) return driveWithWrk(url, dir);
  const agent = new Agent({ connections: CONCURRENCY, keepAliveTimeout: 30_000 });
  const body = REQUEST_BODY;
  const end = Date.now() + SECONDS * 1000;
  let done = 0;
  let errors = 0;
  const loop = async (): Promise<void> => {
    while (Date.now() < end) {
      try {
        const response = await request(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, dispatcher: agent });
        await response.body.dump();
        if (response.statusCode === 200) done += 1;
        else errors += 1;
      } catch {
        errors += 1;
      }
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, loop));
  const rps = done / ((Date.now() - started) / 1000);
  await agent.close();
  return { rps, errors };
}

async function measure(workers: number, configPath: string, dir: string): Promise<{ rps: number; errors: number }> {
  const dataDir = join(dir, `workers-${workers}`);
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [CLI, 'serve', '--config', configPath, '--port', String(port), '--data-dir', dataDir, '--workers', String(workers), '--no-watch'],
    { env: { ...process.env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  try {
    const url = `http://127.0.0.1:${port}`;
    await waitReady(url);
    await drive(url, dir); // warm-up: pools, JIT, Redis scripts loaded
    return await drive(url, dir);
  } finally {
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    await exited;
  }
}

const upstream = await startUpstream();
const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-workers-'));
try {
  const { port } = upstream.address() as AddressInfo;
  const configPath = writeConfig(dir, `http://127.0.0.1:${port}`);
  // Rounds of 1 then 2 workers, side by side: on a machine doing other work the load moves
  // between runs, and one pair alone can say anything. The median of the rounds' ratios is the figure.
  const ratios: number[] = [];
  for (let round = 1; round <= ROUNDS; round += 1) {
    const one = await measure(1, configPath, dir);
    const two = await measure(2, configPath, dir);
    ratios.push(two.rps / one.rps);
    process.stdout.write(
      `round ${round}: workers=1 ${one.rps.toFixed(0)} req/s (${one.errors} errors), workers=2 ${two.rps.toFixed(0)} req/s (${two.errors} errors), ratio ${(two.rps / one.rps).toFixed(2)}\n`,
    );
  }
  const sorted = [...ratios].sort((a, b) => a - b);
  const median = sorted.length % 2 === 1 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  process.stdout.write(
    `ratio 2/1: median ${median.toFixed(2)} of ${ROUNDS} rounds (range ${sorted[0]!.toFixed(2)}–${sorted.at(-1)!.toFixed(2)}; concurrency ${CONCURRENCY}, ${SECONDS} s each, driver ${USE_WRK ? 'wrk' : 'undici'}, ledger ${STORE}, ${availableParallelism()} cores)\n`,
  );
} finally {
  upstream.close();
  rmSync(dir, { recursive: true, force: true });
}
