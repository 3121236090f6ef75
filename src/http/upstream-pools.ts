import { Pool } from 'undici';

export interface UpstreamPoolOptions {
  /** Most sockets open to one origin. */
  connections?: number;
  /** Idle keep-alive sockets are closed after this many ms. */
  keepAliveTimeoutMs?: number;
  connectTimeoutMs?: number;
}

/**
 * One keep-alive connection pool per upstream origin, shared by every deployment that talks to
 * that origin. Built once at config load; the hot path only looks a pool up.
 */
export class UpstreamPools {
  private readonly pools = new Map<string, Pool>();
  private readonly options: Required<UpstreamPoolOptions>;

  constructor(options: UpstreamPoolOptions = {}) {
    this.options = {
      connections: options.connections ?? 128,
      keepAliveTimeoutMs: options.keepAliveTimeoutMs ?? 30_000,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    };
  }

  get(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (pool === undefined) {
      pool = new Pool(origin, {
        connections: this.options.connections,
        keepAliveTimeout: this.options.keepAliveTimeoutMs,
        connect: { timeout: this.options.connectTimeoutMs },
        // Provider calls can run for minutes; deadlines are enforced by our own timers.
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  /** Connection counts per origin, for metrics. */
  stats(): Array<{ origin: string; connected: number; running: number; pending: number }> {
    return [...this.pools.entries()].map(([origin, pool]) => ({
      origin,
      connected: pool.stats.connected,
      running: pool.stats.running,
      pending: pool.stats.pending,
    }));
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.close()));
    this.pools.clear();
  }
}
