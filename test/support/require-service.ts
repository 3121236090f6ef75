import { Socket } from 'node:net';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface ServiceCheck {
  /** True when the service answered a TCP connect. */
  available: boolean;
  /** Pass to `describe.skipIf(...)`. */
  skip: boolean;
}

function reachable(url: string, defaultPort: number, timeoutMs = 1000): Promise<boolean> {
  const parsed = new URL(url);
  const port = parsed.port === '' ? defaultPort : Number(parsed.port);
  const host = parsed.hostname === '' ? '127.0.0.1' : parsed.hostname;
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, host, () => done(true));
  });
}

/**
 * Whether tests that need `name` should run. When the service is absent they skip with a notice
 * on stderr, unless SWITCHYARD_REQUIRE_SERVICES=1 (CI), where absence is an error.
 */
export async function requireService(name: 'redis' | 'postgres'): Promise<ServiceCheck> {
  const url = name === 'redis' ? REDIS_URL : DATABASE_URL;
  const available = await reachable(url, name === 'redis' ? 6379 : 5432);
  if (available) return { available, skip: false };
  if (process.env.SWITCHYARD_REQUIRE_SERVICES === '1') {
    throw new Error(`${name} is required (SWITCHYARD_REQUIRE_SERVICES=1) but ${url} is not reachable`);
  }
  process.stderr.write(`\n[skip] ${name} is not reachable at ${url}; tests that need it are skipped. Set SWITCHYARD_REQUIRE_SERVICES=1 to fail instead.\n`);
  return { available, skip: true };
}
