import { GatewayError } from '../errors/gateway-error.js';
import { abortReason } from './abort-reason.js';
import { realClock, type Clock } from './clock.js';

/** Limits for one key; undefined `maxConcurrent` means unlimited. */
export interface ConcurrencyLimit {
  maxConcurrent?: number;
  /** Requests allowed to wait; 0 sheds as soon as every slot is busy. */
  maxQueue?: number;
}

export interface AcquireOptions {
  signal?: AbortSignal;
  /** Epoch ms by which the request must be finished; shed if its turn would come later. */
  deadlineAt?: number;
  /** Typical time one request holds a slot (e.g. live EWMA latency), for the turn estimate. */
  estimatedServiceMs?: number;
}

/** Gives the slot back; safe to call more than once. */
export type ReleaseSlot = () => void;

/** Per-deployment concurrency with a bounded queue; an interface so a shared implementation fits. */
export interface ConcurrencyGate {
  acquire(key: string, options?: AcquireOptions): Promise<ReleaseSlot>;
  /** A slot now or undefined: for the router, which skips saturated deployments instead of queueing. */
  tryAcquire(key: string): ReleaseSlot | undefined;
  inFlight(key: string): number;
  queued(key: string): number;
  /** True when a new request would have to queue. */
  isSaturated(key: string): boolean;
  /** Subscribes to queue length changes (for metrics). Returns an unsubscribe function. */
  onQueueChange?(listener: QueueListener): () => void;
}

/** Told the new queue length of a key each time a request joins or leaves its queue. */
export type QueueListener = (key: string, queued: number) => void;

interface Waiter {
  resolve(release: ReleaseSlot): void;
  reject(error: unknown): void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

interface Lane {
  active: number;
  queue: Waiter[];
}

export interface ConcurrencyLimiterOptions {
  limitFor(key: string): ConcurrencyLimit | undefined;
  clock?: Clock;
}

/** FIFO queueing with load shedding: a full queue or a hopeless wait is a typed `queue_full` 429. */
export class ConcurrencyLimiter implements ConcurrencyGate {
  private readonly lanes = new Map<string, Lane>();
  private readonly clock: Clock;
  private readonly listeners = new Set<QueueListener>();

  constructor(private readonly options: ConcurrencyLimiterOptions) {
    this.clock = options.clock ?? realClock;
  }

  tryAcquire(key: string): ReleaseSlot | undefined {
    const limit = this.options.limitFor(key)?.maxConcurrent;
    const lane = this.lane(key);
    if (limit !== undefined && (lane.active >= limit || lane.queue.length > 0)) return undefined;
    lane.active += 1;
    return this.releaser(key, lane);
  }

  acquire(key: string, options: AcquireOptions = {}): Promise<ReleaseSlot> {
    if (options.signal?.aborted) return Promise.reject(abortReason(options.signal));
    const immediate = this.tryAcquire(key);
    if (immediate !== undefined) return Promise.resolve(immediate);
    const limit = this.options.limitFor(key) ?? {};
    const lane = this.lane(key);
    const maxQueue = limit.maxQueue ?? 0;
    if (lane.queue.length >= maxQueue) {
      return Promise.reject(
        new GatewayError('queue_full', `Deployment ${key} is at its limit of ${limit.maxConcurrent} concurrent requests and its queue (${maxQueue}) is full.`, { deploymentId: key }),
      );
    }
    if (options.deadlineAt !== undefined && options.estimatedServiceMs !== undefined) {
      // Slots free up at about maxConcurrent per service time; the request waits behind the queue.
      const slots = Math.max(1, limit.maxConcurrent ?? 1);
      const turnAt = this.clock.now() + Math.ceil((lane.queue.length + 1) / slots) * options.estimatedServiceMs;
      if (turnAt + options.estimatedServiceMs > options.deadlineAt) {
        return Promise.reject(
          new GatewayError('queue_full', `Deployment ${key} is at its concurrency limit and a queued request would miss its deadline.`, { deploymentId: key }),
        );
      }
    }
    return new Promise<ReleaseSlot>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal: options.signal, onAbort: undefined };
      if (options.signal !== undefined) {
        const signal = options.signal;
        waiter.onAbort = () => {
          const at = lane.queue.indexOf(waiter);
          if (at >= 0) {
            lane.queue.splice(at, 1);
            this.queueChanged(key, lane);
          }
          reject(abortReason(signal));
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      lane.queue.push(waiter);
      this.queueChanged(key, lane);
    });
  }

  onQueueChange(listener: QueueListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  inFlight(key: string): number {
    return this.lanes.get(key)?.active ?? 0;
  }

  queued(key: string): number {
    return this.lanes.get(key)?.queue.length ?? 0;
  }

  isSaturated(key: string): boolean {
    const limit = this.options.limitFor(key)?.maxConcurrent;
    return limit !== undefined && this.inFlight(key) >= limit;
  }

  private lane(key: string): Lane {
    let lane = this.lanes.get(key);
    if (lane === undefined) {
      lane = { active: 0, queue: [] };
      this.lanes.set(key, lane);
    }
    return lane;
  }

  private queueChanged(key: string, lane: Lane): void {
    for (const listener of this.listeners) listener(key, lane.queue.length);
  }

  private releaser(key: string, lane: Lane): ReleaseSlot {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      lane.active -= 1;
      const next = lane.queue.shift();
      if (next === undefined) return;
      if (next.onAbort !== undefined) next.signal?.removeEventListener('abort', next.onAbort);
      lane.active += 1;
      this.queueChanged(key, lane);
      next.resolve(this.releaser(key, lane));
    };
  }
}
