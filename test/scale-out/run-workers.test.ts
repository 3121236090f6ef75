import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertWorkersAllowed, expectedProcessCount, resolveSharedStateUrls } from '../../src/cli/run-workers.js';
import { REPO, transpileLayers } from './transpile-layers.js';

describe('serve --workers', () => {
  it('takes shared state from config before the environment', () => {
    expect(resolveSharedStateUrls({ state: 'redis://a:6379' }, { REDIS_URL: 'redis://b:6379', DATABASE_URL: 'postgres://db/x' })).toEqual({
      redisUrl: 'redis://a:6379',
      databaseUrl: 'postgres://db/x',
    });
    expect(resolveSharedStateUrls({}, { REDIS_URL: '' })).toEqual({});
  });

  it('counts the processes sharing state from the deployment, then the workers', () => {
    expect(expectedProcessCount({ SWITCHYARD_EXPECTED_PROCESSES: '6', SWITCHYARD_WORKERS: '2' })).toBe(6);
    expect(expectedProcessCount({ SWITCHYARD_WORKERS: '2' })).toBe(2);
    expect(expectedProcessCount({ SWITCHYARD_EXPECTED_PROCESSES: 'x' })).toBe(1);
  });

  it('refuses more than one worker without Redis, with a message saying what to set', () => {
    expect(() => assertWorkersAllowed(1, {})).not.toThrow();
    expect(() => assertWorkersAllowed(3, { redisUrl: 'redis://127.0.0.1:6379' })).not.toThrow();
    expect(() => assertWorkersAllowed(2, { databaseUrl: 'postgres://x' })).toThrow(/state: redis:\/\/.*REDIS_URL/);
    expect(() => assertWorkersAllowed(2, {})).toThrow(expect.objectContaining({ code: 'invalid_config' }));
    expect(() => assertWorkersAllowed(0, { redisUrl: 'redis://x' })).toThrow(/at least 1/);
  });

  describe('with node:cluster', () => {
    const compiled = join(REPO, 'test-artifacts', `scale-out-workers-${process.pid}`);
    beforeAll(() => transpileLayers(compiled, ['spec', 'errors', 'cli']), 60_000);
    afterAll(() => rmSync(compiled, { recursive: true, force: true }));

    it('runs two workers answering on one port, and stops them on SIGTERM', async () => {
      const port = await freePort();
      const primary = spawn(process.execPath, [join(import.meta.dirname, 'workers-child.mjs'), compiled, String(port), '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
      const exited = new Promise<number | null>((resolve) => primary.on('exit', (code) => resolve(code)));
      try {
        await new Promise<void>((resolve, reject) => {
          primary.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
          primary.once('exit', (code) => reject(new Error(`primary exited ${code}`)));
        });
        const pids = new Set<number>();
        for (let i = 0; i < 40 && pids.size < 2; i += 1) {
          const body = (await (await fetch(`http://127.0.0.1:${port}/`)).json()) as { pid: number; workers: string };
          expect(body.workers).toBe('2');
          pids.add(body.pid);
        }
        expect(pids.size).toBe(2);
        expect(pids.has(primary.pid!)).toBe(false);
      } finally {
        primary.kill('SIGTERM');
      }
      await exited;
      await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
    }, 30_000);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
