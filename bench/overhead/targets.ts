import { fork, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { request } from 'undici';

export type TargetName = 'direct' | 'switchyard' | 'switchyard-auto' | 'portkey' | 'floor';

export interface RunningTarget {
  name: TargetName;
  /** The process whose CPU and memory are charged to this target. */
  pid: number;
  url: string;
  headers: Record<string, string>;
  /** `model` in the request body. */
  model: string;
  child: ChildProcess;
}

const here = dirname(fileURLToPath(import.meta.url));

function waitForReady(child: ChildProcess, what: string): Promise<{ port: number; key?: string }> {
  return new Promise((resolvePromise, reject) => {
    let key: string | undefined;
    const timer = setTimeout(() => reject(new Error(`${what} did not start within 30 s`)), 30_000);
    child.on('message', (message: { ready?: boolean; port?: number; key?: string }) => {
      if (message.key !== undefined) key = message.key;
      if (message.ready === true && message.port !== undefined) {
        clearTimeout(timer);
        resolvePromise(key === undefined ? { port: message.port } : { port: message.port, key });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with code ${code} before it was ready`));
    });
  });
}

/** Where `--cpu-prof` profiles of the Switchyard processes go; unset means no profiling. */
let profileDir: string | undefined;
export function profileSwitchyardInto(dir: string): void {
  profileDir = dir;
}

function forkTarget(file: string, env: Record<string, string>, profile = false): ChildProcess {
  const execArgv = profile && profileDir !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  return fork(join(here, file), [], { env: { ...process.env, ...env }, execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

export async function startUpstream(): Promise<{ url: string; child: ChildProcess }> {
  const child = forkTarget('fake-upstream.js', {});
  const { port } = await waitForReady(child, 'fake upstream');
  return { url: `http://127.0.0.1:${port}`, child };
}

export async function startForked(name: 'floor' | 'switchyard' | 'switchyard-auto', upstream: string): Promise<RunningTarget> {
  const file = name === 'floor' ? 'floor-proxy.js' : 'switchyard-target.js';
  const env: Record<string, string> = { BENCH_UPSTREAM: upstream, NODE_ENV: 'production' };
  if (name === 'switchyard-auto') env.BENCH_DEPLOYMENTS = '5';
  const child = forkTarget(file, env, name !== 'floor');
  const { port, key } = await waitForReady(child, name);
  const headers: Record<string, string> = key === undefined ? { authorization: 'Bearer sk-bench' } : { authorization: key };
  const model = name === 'switchyard' ? 'bench/one' : name === 'switchyard-auto' ? 'auto' : 'gpt-4o-mini';
  return { name, pid: child.pid as number, url: `http://127.0.0.1:${port}/v1/chat/completions`, headers, model, child };
}

function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolvePromise(port));
    });
  });
}

/** The Portkey gateway from node_modules, headless, pointed at the upstream per request. */
export async function startPortkey(upstream: string, root: string): Promise<RunningTarget> {
  const port = await freePort();
  const script = resolve(root, 'node_modules/@portkey-ai/gateway/build/start-server.js');
  const child = spawn(process.execPath, [script, `--port=${port}`, '--headless'], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, NODE_ENV: 'production' } });
  const url = `http://127.0.0.1:${port}/v1/chat/completions`;
  const headers = { authorization: 'Bearer sk-bench', 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `${upstream}/v1` };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Portkey exited with code ${child.exitCode}`);
    try {
      const answer = await request(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}' });
      await answer.body.text();
      if (answer.statusCode === 200) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error('Portkey did not answer within 30 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  return { name: 'portkey', pid: child.pid as number, url, headers, model: 'gpt-4o-mini', child };
}

export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolvePromise();
    });
    child.kill('SIGTERM');
  });
}
