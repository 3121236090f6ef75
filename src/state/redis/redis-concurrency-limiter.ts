import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { SharedStateEvents } from './fallback-budget-counter.js';
import { RedisScript } from './redis-script.js';

export interface RedisConcurrencyLimiterOptions extends SharedStateEvents {
  redis: Redis;
  keyPrefix: string;
  /** Most requests in flight at once across the cluster; undefined means unlimited. */
  limitFor(key: string): number | undefined;
  /** A slot not renewed for this long is freed (its process died). Default 30 s; held slots are renewed every third of it. */
  leaseMs?: number;
  /** While Redis is away each process allows 1 / this of every limit. Default 1. */
  expectedProcesses?: number;
}

/** Gives the slot back; safe to call more than once. */
export type SharedSlotRelease = () => void;

/**
 * KEYS: the lease set (member: lease id, score: expiry ms). ARGV: now, lease ms, limit, lease id.
 * Returns {acquired, in flight after the call}.
 */
const ACQUIRE_LUA = `
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local count = redis.call('ZCARD', KEYS[1])
if count >= tonumber(ARGV[3]) then return {0, count} end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[4])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 2)
return {1, count + 1}
`;

const acquireScript = new RedisScript(ACQUIRE_LUA);

/**
 * Concurrency slots shared by every gateway process: one sorted set of leases per deployment.
 * A lease carries an expiry that this process renews while it holds the slot, so slots held by a
 * process that crashed free themselves. While Redis is away, slots are counted locally against
 * this process's share of the limit.
 */
export class RedisConcurrencyLimiter {
  private readonly prefix: string;
  private readonly leaseMs: number;
  private readonly held = new Map<string, { key: string; local: boolean }>();
  private readonly seen = new Map<string, number>();
  private readonly localActive = new Map<string, number>();
  private renewTimer: ReturnType<typeof setInterval> | undefined;
  private degradedAt: number | undefined;

  constructor(private readonly options: RedisConcurrencyLimiterOptions) {
    this.prefix = `${options.keyPrefix}inflight:`;
    this.leaseMs = options.leaseMs ?? 30_000;
  }

  /** A slot now, or undefined when the cluster is at the limit. */
  async tryAcquire(key: string): Promise<SharedSlotRelease | undefined> {
    const limit = this.options.limitFor(key);
    if (limit === undefined) return () => undefined;
    const leaseId = randomUUID();
    let result: number[];
    try {
      result = (await acquireScript.run(this.options.redis, [this.prefix + key], [Date.now(), this.leaseMs, limit, leaseId])) as number[];
    } catch (error) {
      return this.acquireLocally(key, limit, leaseId, error);
    }
    this.recovered();
    this.seen.set(key, result[1] ?? 0);
    if (result[0] !== 1) return undefined;
    return this.hold(leaseId, key, false);
  }

  /** In flight across the cluster, as Redis last reported (this process's count while degraded). */
  inFlight(key: string): number {
    return this.degradedAt === undefined ? (this.seen.get(key) ?? 0) : (this.localActive.get(key) ?? 0);
  }

  isSaturated(key: string): boolean {
    const limit = this.options.limitFor(key);
    return limit !== undefined && this.inFlight(key) >= limit;
  }

  get degraded(): boolean {
    return this.degradedAt !== undefined;
  }

  /** Stops renewing leases (they expire on their own). */
  close(): void {
    if (this.renewTimer !== undefined) clearInterval(this.renewTimer);
    this.renewTimer = undefined;
  }

  private hold(leaseId: string, key: string, local: boolean): SharedSlotRelease {
    this.held.set(leaseId, { key, local });
    this.startRenewing();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held.delete(leaseId);
      if (local) {
        this.localActive.set(key, Math.max(0, (this.localActive.get(key) ?? 1) - 1));
        return;
      }
      this.seen.set(key, Math.max(0, (this.seen.get(key) ?? 1) - 1));
      // If this fails the lease simply expires.
      this.options.redis.zrem(this.prefix + key, leaseId).catch(() => undefined);
    };
  }

  private acquireLocally(key: string, limit: number, leaseId: string, error: unknown): SharedSlotRelease | undefined {
    if (this.degradedAt === undefined) {
      this.degradedAt = Date.now();
      this.options.onDegraded?.('concurrency', error);
    }
    const share = Math.max(1, Math.floor(limit / Math.max(1, this.options.expectedProcesses ?? 1)));
    const active = this.localActive.get(key) ?? 0;
    if (active >= share) return undefined;
    this.localActive.set(key, active + 1);
    return this.hold(leaseId, key, true);
  }

  private recovered(): void {
    if (this.degradedAt === undefined) return;
    this.options.onRecovered?.('concurrency', Date.now() - this.degradedAt);
    this.degradedAt = undefined;
  }

  private startRenewing(): void {
    if (this.renewTimer !== undefined) return;
    this.renewTimer = setInterval(() => {
      if (this.held.size === 0) return;
      const expiry = Date.now() + this.leaseMs;
      const pipeline = this.options.redis.pipeline();
      for (const [leaseId, { key, local }] of this.held) if (!local) pipeline.zadd(this.prefix + key, 'XX', expiry, leaseId);
      pipeline.exec().catch(() => undefined);
    }, Math.max(50, Math.floor(this.leaseMs / 3)));
    this.renewTimer.unref();
  }
}
