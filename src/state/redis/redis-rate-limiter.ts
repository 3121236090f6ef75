import type { Redis } from 'ioredis';
import type { SharedStateEvents } from './fallback-budget-counter.js';
import { RedisScript } from './redis-script.js';

/** Same shape as the resilience layer's RateLimit. */
export interface SharedRateLimit {
  requestsPerMinute?: number;
  tokensPerMinute?: number;
}

export interface SharedRateUsage {
  requests?: number;
  tokens?: number;
}

export interface RedisRateLimiterOptions extends SharedStateEvents {
  redis: Redis;
  keyPrefix: string;
  /** The limit of a deployment id or `key:<api key id>`; undefined means unlimited. */
  limitFor(key: string): SharedRateLimit | undefined;
  /** Default 60 000 ms: the limits are per minute. */
  windowMs?: number;
  /** Buckets per window: the window slides in steps of windowMs / buckets. Default 60. */
  buckets?: number;
  /** Wall time in ms; all processes must roughly agree. Default Date.now. */
  now?: () => number;
  /** While Redis is away each process allows 1 / this of every limit. Default 1. */
  expectedProcesses?: number;
}

/**
 * KEYS: the window hash (fields `r:<bucket>` and `t:<bucket>`). ARGV: now, bucket ms, buckets,
 * requests, tokens, rpm limit, tpm limit (-1: none), check (1: refuse over the limit), ttl ms.
 * Returns {allowed, requests, tokens}: the window's totals after the call.
 */
const WINDOW_LUA = `
local now, bucketMs, n = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local current = math.floor(now / bucketMs)
local oldest = current - n + 1
local fields = redis.call('HGETALL', KEYS[1])
local req, tok = 0, 0
for i = 1, #fields, 2 do
  local name = fields[i]
  local bucket = tonumber(string.sub(name, 3))
  if bucket < oldest then
    redis.call('HDEL', KEYS[1], name)
  elseif string.sub(name, 1, 1) == 'r' then
    req = req + tonumber(fields[i + 1])
  else
    tok = tok + tonumber(fields[i + 1])
  end
end
local addReq, addTok = tonumber(ARGV[4]), tonumber(ARGV[5])
if ARGV[8] == '1' then
  local rpm, tpm = tonumber(ARGV[6]), tonumber(ARGV[7])
  if (rpm >= 0 and req + addReq > rpm) or (tpm >= 0 and tok + addTok > tpm) then
    return {0, req, tok}
  end
end
if addReq ~= 0 then redis.call('HINCRBY', KEYS[1], 'r:' .. current, addReq) end
if addTok ~= 0 then redis.call('HINCRBY', KEYS[1], 't:' .. current, addTok) end
redis.call('PEXPIRE', KEYS[1], ARGV[9])
return {1, req + addReq, tok + addTok}
`;

const windowScript = new RedisScript(WINDOW_LUA);

interface Seen {
  requests: number;
  tokens: number;
  at: number;
}

interface LocalEvent {
  at: number;
  requests: number;
  tokens: number;
}

/**
 * RPM/TPM limits shared by every gateway process: a sliding window of buckets per deployment or
 * API key in a Redis hash, checked and counted by one Lua script (`acquire`), so a 60 RPM limit
 * admits 60 requests a minute across the cluster, not 60 per process.
 *
 * It also has the resilience layer's synchronous RateLimiter shape (`wouldExceed`, `record`,
 * `tryRecord`, `usage`) answered from the totals Redis last returned, for the router's cheap
 * availability check; admission (deployments and API keys) calls `acquire`. While Redis is unreachable every
 * call falls back to a local window holding this process's share of each limit.
 */
export class RedisRateLimiter {
  private readonly prefix: string;
  private readonly windowMs: number;
  private readonly bucketMs: number;
  private readonly buckets: number;
  private readonly now: () => number;
  private readonly seen = new Map<string, Seen>();
  private readonly local = new Map<string, LocalEvent[]>();
  private degradedAt: number | undefined;

  constructor(private readonly options: RedisRateLimiterOptions) {
    this.prefix = `${options.keyPrefix}rate:`;
    this.windowMs = options.windowMs ?? 60_000;
    this.buckets = Math.max(1, Math.floor(options.buckets ?? 60));
    this.bucketMs = this.windowMs / this.buckets;
    this.now = options.now ?? Date.now;
  }

  /** Checks and counts in one step; false (nothing counted) when `usage` would pass a limit. */
  async acquire(key: string, usage: SharedRateUsage = { requests: 1 }): Promise<boolean> {
    const limit = this.options.limitFor(key);
    if (limit === undefined) return true;
    return this.run(key, usage, limit, true);
  }

  /**
   * Counts without checking: token corrections once the real usage is known (may be negative).
   * Nothing is sent for what no limit counts: an unlimited deployment's token correction after
   * every answer was one Lua call per request for nothing.
   */
  async add(key: string, usage: SharedRateUsage): Promise<void> {
    const limit = this.options.limitFor(key);
    if (!counts(limit, usage)) return;
    await this.run(key, usage, limit ?? {}, false);
  }

  /** Whether `usage` more would pass a limit, by the totals Redis last reported. */
  wouldExceed(key: string, usage: SharedRateUsage = { requests: 1 }): boolean {
    const limit = this.options.limitFor(key);
    if (limit === undefined) return false;
    const current = this.usage(key);
    return exceeds(limit, current.requests + (usage.requests ?? 0), current.tokens + (usage.tokens ?? 0));
  }

  record(key: string, usage: SharedRateUsage): void {
    if (!counts(this.options.limitFor(key), usage)) return;
    const seen = this.usage(key);
    this.seen.set(key, { requests: seen.requests + (usage.requests ?? 0), tokens: seen.tokens + (usage.tokens ?? 0), at: this.now() });
    void this.add(key, usage).catch(() => undefined);
  }

  tryRecord(key: string, usage: SharedRateUsage): boolean {
    if (this.wouldExceed(key, usage)) return false;
    this.record(key, usage);
    return true;
  }

  /**
   * The totals Redis last reported, trusted for one bucket: older ones may still say "full" after
   * the window slid, which would keep the router away from a deployment `acquire` would admit.
   */
  usage(key: string): { requests: number; tokens: number } {
    const seen = this.seen.get(key);
    if (seen === undefined || this.now() - seen.at >= this.bucketMs) return { requests: 0, tokens: 0 };
    return { requests: seen.requests, tokens: seen.tokens };
  }

  /** True while running on local windows. */
  get degraded(): boolean {
    return this.degradedAt !== undefined;
  }

  private async run(key: string, usage: SharedRateUsage, limit: SharedRateLimit, check: boolean): Promise<boolean> {
    const requests = Math.round(usage.requests ?? 0);
    const tokens = Math.round(usage.tokens ?? 0);
    const now = this.now();
    let result: number[];
    try {
      result = (await windowScript.run(this.options.redis, [this.prefix + key], [
        now, this.bucketMs, this.buckets, requests, tokens,
        limit.requestsPerMinute ?? -1, limit.tokensPerMinute ?? -1, check ? 1 : 0, Math.ceil(this.windowMs + this.bucketMs),
      ])) as number[];
    } catch (error) {
      return this.runLocally(key, requests, tokens, limit, check, now, error);
    }
    if (this.degradedAt !== undefined) {
      this.options.onRecovered?.('rate_limits', now - this.degradedAt);
      this.degradedAt = undefined;
      this.local.clear();
    }
    this.seen.set(key, { requests: result[1] ?? 0, tokens: result[2] ?? 0, at: now });
    return result[0] === 1;
  }

  private runLocally(key: string, requests: number, tokens: number, limit: SharedRateLimit, check: boolean, now: number, error: unknown): boolean {
    if (this.degradedAt === undefined) {
      this.degradedAt = now;
      this.options.onDegraded?.('rate_limits', error);
    }
    const events = (this.local.get(key) ?? []).filter((e) => now - e.at < this.windowMs);
    this.local.set(key, events);
    let req = 0;
    let tok = 0;
    for (const e of events) {
      req += e.requests;
      tok += e.tokens;
    }
    const share = Math.max(1, this.options.expectedProcesses ?? 1);
    const localLimit: SharedRateLimit = {};
    if (limit.requestsPerMinute !== undefined) localLimit.requestsPerMinute = Math.floor(limit.requestsPerMinute / share);
    if (limit.tokensPerMinute !== undefined) localLimit.tokensPerMinute = Math.floor(limit.tokensPerMinute / share);
    if (check && exceeds(localLimit, req + requests, tok + tokens)) return false;
    events.push({ at: now, requests, tokens });
    this.seen.set(key, { requests: req + requests, tokens: tok + tokens, at: now });
    return true;
  }
}

/** Whether a limit counts any of `usage`: requests with an RPM limit, tokens with a TPM limit. */
function counts(limit: SharedRateLimit | undefined, usage: SharedRateUsage): boolean {
  if (limit === undefined) return false;
  return (limit.requestsPerMinute !== undefined && (usage.requests ?? 0) !== 0) || (limit.tokensPerMinute !== undefined && (usage.tokens ?? 0) !== 0);
}

function exceeds(limit: SharedRateLimit, requests: number, tokens: number): boolean {
  return (limit.requestsPerMinute !== undefined && requests > limit.requestsPerMinute) || (limit.tokensPerMinute !== undefined && tokens > limit.tokensPerMinute);
}
