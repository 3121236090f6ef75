import { Redis } from 'ioredis';

export interface RedisClientOptions {
  /** `redis://[:password@]host:6379[/db]` or `rediss://` for TLS. */
  url: string;
  /** A command not answered within this long fails, so that callers fall back instead of hanging. Default 1000 ms. */
  commandTimeoutMs?: number;
  /** Longest pause between reconnection attempts. Default 2000 ms. */
  maxReconnectDelayMs?: number;
  /** Called on every connection error (ioredis retries on its own). */
  onError?: (error: Error) => void;
}

/**
 * A client tuned for shared gateway state: commands fail fast while disconnected (no offline
 * queue, no per-command retries) so that the gateway degrades to local state at once, while the
 * client keeps reconnecting in the background.
 */
export function createRedisClient(options: RedisClientOptions): Redis {
  const maxDelay = options.maxReconnectDelayMs ?? 2000;
  const client = new Redis(options.url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 1000,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 10), maxDelay),
    // Blocking on "is Redis up?" at start would keep the gateway from serving on local state.
    enableReadyCheck: true,
  });
  // Without a listener ioredis reports every failed reconnection as an unhandled error event.
  client.on('error', (error: Error) => options.onError?.(error));
  return client;
}

/** Connects a lazily created client; resolves false instead of throwing when Redis is down. */
export async function connectRedis(client: Redis): Promise<boolean> {
  if (client.status === 'ready') return true;
  try {
    if (client.status === 'wait') await client.connect();
    else await client.ping();
    return true;
  } catch {
    return false;
  }
}
