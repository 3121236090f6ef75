import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { BudgetCounter, CounterCharge, ReserveOutcome, SlotUsage } from '../budget-counter.js';
import { INITIALISE_LUA, READ_LUA, SETTLE_LUA, TRY_RESERVE_LUA } from './redis-budget-lua.js';
import { RedisScript } from './redis-script.js';

export interface RedisBudgetCounterOptions {
  redis: Redis;
  /** Namespaces every key of one gateway cluster, e.g. `switchyard:prod:`. */
  keyPrefix: string;
  /** Idle slots expire after this long (refreshed on every write). Default 40 days: longer than any calendar period. */
  slotTtlMs?: number;
  /** How long a process's reservations outlive its last heartbeat. Default 30 s. */
  instanceTtlMs?: number;
  /** Identifies this process's reservations. Default a random UUID. */
  instanceId?: string;
}

const tryReserveScript = new RedisScript(TRY_RESERVE_LUA);
const settleScript = new RedisScript(SETTLE_LUA);
const initialiseScript = new RedisScript(INITIALISE_LUA);
const readScript = new RedisScript(READ_LUA);

/**
 * Budget counters shared by every gateway process through Redis: each call is one Lua script,
 * so the check across all applicable budgets and the reservation happen as one step for the
 * whole cluster. The process's liveness key is refreshed on a timer; call `close` on shutdown.
 */
export class RedisBudgetCounter implements BudgetCounter {
  readonly instanceId: string;
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly slotTtlMs: number;
  private readonly instanceTtlMs: number;
  private readonly aliveKey: string;
  private readonly lastSeen = new Map<string, number>();
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private alive: Promise<void> | undefined;

  constructor(options: RedisBudgetCounterOptions) {
    this.redis = options.redis;
    this.prefix = `${options.keyPrefix}budget:`;
    this.slotTtlMs = options.slotTtlMs ?? 40 * 86_400_000;
    this.instanceTtlMs = options.instanceTtlMs ?? 30_000;
    this.instanceId = options.instanceId ?? randomUUID();
    this.aliveKey = `${this.prefix}alive:${this.instanceId}`;
  }

  async tryReserve(charges: readonly CounterCharge[], amountNanos: number): Promise<ReserveOutcome> {
    if (charges.length === 0) return { ok: true };
    await this.ensureAlive();
    const result = (await tryReserveScript.run(
      this.redis,
      charges.map((c) => this.key(c.slot)),
      [amountNanos, this.instanceId, this.slotTtlMs, `${this.prefix}alive:`, this.instanceTtlMs, ...charges.map((c) => c.limitNanos)],
    )) as number[];
    if (result[0] === 1) {
      charges.forEach((c, i) => this.lastSeen.set(c.slot, (result[i + 1] ?? 0) + amountNanos));
      return { ok: true };
    }
    const charge = charges[(result[1] ?? 1) - 1];
    if (charge === undefined) throw new Error('budget script named no slot');
    const usedNanos = result[2] ?? 0;
    this.lastSeen.set(charge.slot, usedNanos);
    return { ok: false, slot: charge.slot, usedNanos, limitNanos: charge.limitNanos };
  }

  async settle(slots: readonly string[], reservedNanos: number, actualNanos: number): Promise<void> {
    if (slots.length === 0) return;
    await settleScript.run(this.redis, slots.map((s) => this.key(s)), [reservedNanos, actualNanos, this.instanceId, this.slotTtlMs]);
  }

  async release(slots: readonly string[], reservedNanos: number): Promise<void> {
    await this.settle(slots, reservedNanos, 0);
  }

  async initialise(slot: string, settledNanos: number): Promise<boolean> {
    return (await initialiseScript.run(this.redis, [this.key(slot)], [settledNanos, this.slotTtlMs])) === 1;
  }

  async read(slot: string): Promise<SlotUsage> {
    const [settledNanos = 0, reservedNanos = 0] = (await readScript.run(this.redis, [this.key(slot)], [`${this.prefix}alive:`])) as number[];
    this.lastSeen.set(slot, settledNanos + reservedNanos);
    return { settledNanos, reservedNanos };
  }

  /** The slot's total use (settled + reserved) the last time Redis answered about it, if ever. */
  lastSeenUsedNanos(slot: string): number | undefined {
    return this.lastSeen.get(slot);
  }

  /** Round trip to Redis; rejects while it is unreachable. */
  async ping(): Promise<void> {
    await this.redis.ping();
  }

  /** Stops the heartbeat and drops this process's liveness, releasing whatever it still holds. */
  async close(): Promise<void> {
    if (this.heartbeat !== undefined) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    this.alive = undefined;
    await this.redis.del(this.aliveKey).catch(() => undefined);
  }

  private key(slot: string): string {
    return this.prefix + slot;
  }

  /** The first reservation marks the process alive; a timer keeps it so. */
  private ensureAlive(): Promise<void> {
    if (this.alive !== undefined) return this.alive;
    const beat = async (): Promise<void> => {
      await this.redis.set(this.aliveKey, '1', 'PX', this.instanceTtlMs);
    };
    this.alive = beat().catch((error: unknown) => {
      this.alive = undefined;
      throw error;
    });
    if (this.heartbeat === undefined) {
      this.heartbeat = setInterval(() => void beat().catch(() => undefined), Math.max(100, Math.floor(this.instanceTtlMs / 3)));
      this.heartbeat.unref();
    }
    return this.alive;
  }
}
