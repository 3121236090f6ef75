import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { LiveStats } from '../../spec/live-stats.js';
import type { SharedStateEvents } from './fallback-budget-counter.js';

export interface RedisLiveStatsExchangeOptions extends SharedStateEvents {
  redis: Redis;
  keyPrefix: string;
  instanceId?: string;
  /** How often `start` publishes this process's stats and reads the cluster's. Default 1000 ms. */
  intervalMs?: number;
  /** A process's stats older than this no longer count (it stopped or lost Redis). Default 5000 ms. */
  staleMs?: number;
  now?: () => number;
}

interface Published extends LiveStats {
  at: number;
}

const BREAKER_RANK = { closed: 0, half_open: 1, open: 2 } as const;

/**
 * Live latency and error statistics of the whole cluster. Each process publishes its own
 * per-deployment snapshot (one hash per deployment, one field per process) on a timer and reads
 * everyone's back; `clusterStats` merges them: sample-weighted averages and error rate, summed
 * in-flight counts, the worst p95 and breaker state. Reads are local and synchronous, for the
 * router; the picture is at most one interval old.
 */
export class RedisLiveStatsExchange {
  readonly instanceId: string;
  private readonly prefix: string;
  private readonly idsKey: string;
  private readonly intervalMs: number;
  private readonly staleMs: number;
  private readonly now: () => number;
  private merged = new Map<string, LiveStats>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private degradedAt: number | undefined;

  constructor(private readonly options: RedisLiveStatsExchangeOptions) {
    this.instanceId = options.instanceId ?? randomUUID();
    this.prefix = `${options.keyPrefix}stats:`;
    this.idsKey = `${options.keyPrefix}stats-ids`;
    this.intervalMs = options.intervalMs ?? 1000;
    this.staleMs = options.staleMs ?? 5000;
    this.now = options.now ?? Date.now;
  }

  /** The cluster's merged stats of a deployment, as of the last refresh. */
  clusterStats(deploymentId: string): LiveStats | undefined {
    return this.merged.get(deploymentId);
  }

  all(): ReadonlyMap<string, LiveStats> {
    return this.merged;
  }

  async publish(stats: ReadonlyMap<string, LiveStats>): Promise<void> {
    if (stats.size === 0) return;
    const at = this.now();
    const ttl = this.staleMs * 2;
    const pipeline = this.options.redis.pipeline();
    for (const [id, snapshot] of stats) {
      const published: Published = { ...snapshot, at };
      pipeline.hset(this.prefix + id, this.instanceId, JSON.stringify(published)).pexpire(this.prefix + id, ttl);
    }
    pipeline.sadd(this.idsKey, ...stats.keys()).pexpire(this.idsKey, ttl);
    await execOrThrow(pipeline);
  }

  async refresh(): Promise<void> {
    const ids = await this.options.redis.smembers(this.idsKey);
    const pipeline = this.options.redis.pipeline();
    for (const id of ids) pipeline.hgetall(this.prefix + id);
    const results = await execOrThrow(pipeline);
    const now = this.now();
    const merged = new Map<string, LiveStats>();
    ids.forEach((id, i) => {
      const fields = (results[i] ?? {}) as Record<string, string>;
      const fresh = Object.values(fields)
        .map((text) => JSON.parse(text) as Published)
        .filter((p) => now - p.at <= this.staleMs);
      if (fresh.length > 0) merged.set(id, mergeStats(id, fresh));
    });
    this.merged = merged;
  }

  /** Publishes `source()` and refreshes every interval until `stop`. */
  start(source: () => ReadonlyMap<string, LiveStats>): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => void this.tick(source), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async tick(source: () => ReadonlyMap<string, LiveStats>): Promise<void> {
    try {
      await this.publish(source());
      await this.refresh();
    } catch (error) {
      if (this.degradedAt === undefined) {
        this.degradedAt = this.now();
        this.options.onDegraded?.('live_stats', error);
      }
      return;
    }
    if (this.degradedAt !== undefined) {
      this.options.onRecovered?.('live_stats', this.now() - this.degradedAt);
      this.degradedAt = undefined;
    }
  }
}

async function execOrThrow(pipeline: ReturnType<Redis['pipeline']>): Promise<unknown[]> {
  const results = (await pipeline.exec()) ?? [];
  return results.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}

/** Sample-weighted means; sums of counts; the worst p95 and breaker state. */
export function mergeStats(deploymentId: string, parts: readonly LiveStats[]): LiveStats {
  const weighted = (pick: (s: LiveStats) => number | undefined): number | undefined => {
    let sum = 0;
    let weight = 0;
    for (const part of parts) {
      const value = pick(part);
      if (value === undefined) continue;
      const w = Math.max(1, part.samples);
      sum += value * w;
      weight += w;
    }
    return weight === 0 ? undefined : sum / weight;
  };
  const merged: LiveStats = {
    deploymentId,
    samples: parts.reduce((n, p) => n + p.samples, 0),
    inFlight: parts.reduce((n, p) => n + p.inFlight, 0),
    breaker: parts.reduce<LiveStats['breaker']>((worst, p) => (BREAKER_RANK[p.breaker] > BREAKER_RANK[worst] ? p.breaker : worst), 'closed'),
  };
  const latency = weighted((s) => s.ewmaLatencyMs);
  const ttft = weighted((s) => s.ewmaTtftMs);
  const errorRate = weighted((s) => s.errorRate);
  const p95 = parts.reduce<number | undefined>((max, p) => (p.p95TtftMs === undefined ? max : Math.max(max ?? 0, p.p95TtftMs)), undefined);
  if (latency !== undefined) merged.ewmaLatencyMs = latency;
  if (ttft !== undefined) merged.ewmaTtftMs = ttft;
  if (errorRate !== undefined) merged.errorRate = errorRate;
  if (p95 !== undefined) merged.p95TtftMs = p95;
  if (parts.some((p) => p.saturated === true)) merged.saturated = true;
  return merged;
}
