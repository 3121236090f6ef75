import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A key prefix unique to this test run, so runs never see each other's keys. */
export function testKeyPrefix(name: string): string {
  return `sy-test:${name}:${randomBytes(4).toString('hex')}:`;
}

/** Deletes every key under `prefix`. */
export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}
