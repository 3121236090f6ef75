import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { SharedStateEvents } from './fallback-budget-counter.js';

/** What the store needs to know of a breaker record; the resilience layer's BreakerRecord fits. */
export interface SharedBreakerRecord {
  state: string;
  generation: number;
  coolingUntil: number;
}

export interface RedisBreakerStoreOptions extends SharedStateEvents {
  /** For commands. */
  redis: Redis;
  /** A second connection: a subscribed connection can run nothing else. */
  subscriber: Redis;
  keyPrefix: string;
  /** The shared hash expires this long after the last change. Default 1 hour. */
  ttlMs?: number;
}

interface Envelope<R> {
  origin: string;
  id: string;
  version: number;
  record: R;
}

/**
 * Circuit-breaker records shared by every gateway process. Reads are local and synchronous (the
 * router reads breakers on every decision); a change that matters (state, generation or rate-limit
 * cool-down) is written to a Redis hash and published in the same round trip, and every other
 * process applies it on receipt, so a breaker opened in one process is open in all one publish
 * later. Changes are ordered by a Lamport version, so a process never takes back a newer change
 * with an older one. Failure counts stay per process between changes.
 *
 * Structurally a resilience `BreakerStore`: pass it as `new BreakerRegistry({ store })`.
 */
export class RedisBreakerStore<R extends SharedBreakerRecord> {
  private readonly records = new Map<string, R>();
  private readonly versions = new Map<string, number>();
  private readonly published = new Map<string, string>();
  private readonly listeners = new Set<(deploymentId: string, record: R) => void>();
  private readonly origin = randomUUID();
  private readonly hashKey: string;
  private readonly channel: string;
  private readonly ttlMs: number;
  private degraded = false;
  private degradedAt = 0;
  private readonly onMessage = (channel: string, message: string): void => {
    if (channel === this.channel) this.receive(message);
  };
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly onReady = (): void => {
    this.reload();
  };

  constructor(private readonly options: RedisBreakerStoreOptions) {
    this.hashKey = `${options.keyPrefix}breakers`;
    this.channel = `${options.keyPrefix}breakers:changes`;
    this.ttlMs = options.ttlMs ?? 3_600_000;
  }

  /** Subscribes and loads the current records; also reloads on every reconnection. */
  async start(): Promise<void> {
    this.options.subscriber.on('message', this.onMessage);
    this.options.subscriber.on('ready', this.onReady);
    try {
      await this.options.subscriber.subscribe(this.channel);
      await this.load();
    } catch (error) {
      this.markDegraded(error);
    }
  }

  async stop(): Promise<void> {
    this.options.subscriber.off('message', this.onMessage);
    this.options.subscriber.off('ready', this.onReady);
    if (this.reloadTimer !== undefined) clearTimeout(this.reloadTimer);
    this.reloadTimer = undefined;
    await this.options.subscriber.unsubscribe(this.channel).catch(() => undefined);
  }

  get(deploymentId: string): R | undefined {
    return this.records.get(deploymentId);
  }

  set(deploymentId: string, record: R): void {
    this.records.set(deploymentId, record);
    const fingerprint = `${record.state}|${record.generation}|${record.coolingUntil}`;
    if (this.published.get(deploymentId) === fingerprint) return;
    this.published.set(deploymentId, fingerprint);
    const version = (this.versions.get(deploymentId) ?? 0) + 1;
    this.versions.set(deploymentId, version);
    const envelope: Envelope<R> = { origin: this.origin, id: deploymentId, version, record };
    const message = JSON.stringify(envelope);
    this.options.redis
      .multi()
      .hset(this.hashKey, deploymentId, message)
      .pexpire(this.hashKey, this.ttlMs)
      .publish(this.channel, message)
      .exec()
      .then(() => this.markRecovered(), (error: unknown) => this.markDegraded(error));
  }

  ids(): Iterable<string> {
    return this.records.keys();
  }

  onRemoteChange(listener: (deploymentId: string, record: R) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reads every shared record; newer ones replace local ones. */
  async load(): Promise<void> {
    const all = await this.options.redis.hgetall(this.hashKey);
    for (const message of Object.values(all)) this.receive(message, true);
    this.markRecovered();
  }

  /**
   * `load` after a reconnection of the change feed. The command connection may come back a moment
   * later than the subscriber: a failed load is retried each second until it answers (and must
   * never become an unhandled rejection, which would end the process).
   */
  private reload(): void {
    if (this.reloadTimer !== undefined) return;
    this.load().catch((error: unknown) => {
      this.markDegraded(error);
      this.reloadTimer = setTimeout(() => {
        this.reloadTimer = undefined;
        this.reload();
      }, 1_000);
      this.reloadTimer.unref();
    });
  }

  private receive(message: string, fromLoad = false): void {
    let envelope: Envelope<R>;
    try {
      envelope = JSON.parse(message) as Envelope<R>;
    } catch {
      return;
    }
    if (envelope.origin === this.origin && !fromLoad) return;
    const known = this.versions.get(envelope.id) ?? 0;
    if (envelope.version <= known) return;
    this.versions.set(envelope.id, envelope.version);
    this.records.set(envelope.id, envelope.record);
    this.published.set(envelope.id, `${envelope.record.state}|${envelope.record.generation}|${envelope.record.coolingUntil}`);
    for (const listener of this.listeners) listener(envelope.id, envelope.record);
  }

  private markDegraded(error: unknown): void {
    if (this.degraded) return;
    this.degraded = true;
    this.degradedAt = Date.now();
    this.options.onDegraded?.('breakers', error);
  }

  private markRecovered(): void {
    if (!this.degraded) return;
    this.degraded = false;
    this.options.onRecovered?.('breakers', Date.now() - this.degradedAt);
  }
}
