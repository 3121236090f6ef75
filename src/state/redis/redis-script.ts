import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * One Lua script, run by its SHA1 and loaded on first use (or after a Redis restart flushed the
 * script cache). Redis runs a script atomically: nothing else interleaves between its commands.
 */
export class RedisScript {
  readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: Redis, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
