import { GatewayError } from '../errors/gateway-error.js';
import type { AcquireOptions, ConcurrencyGate, QueueListener, ReleaseSlot } from './concurrency-limiter.js';

/** Cluster-wide concurrency slots (the Redis leases of `src/state/redis`). */
export interface ConcurrencyLeases {
  /** A slot now, or undefined when the cluster is at the limit; unlimited keys get a no-op slot. */
  tryAcquire(key: string): Promise<ReleaseSlot | undefined>;
}

/**
 * Per-deployment concurrency for a process that shares its limits with others: the local gate
 * queues this process's own requests (as without shared state), and a request that gets a local
 * slot then needs a cluster-wide lease. There is no queue across processes: when every lease is
 * taken the attempt is shed with `queue_full`, and the attempt loop moves to the next candidate.
 * Saturation and in-flight counts stay local: the shared counts are only as fresh as this
 * process's last acquisition, and a stale "full" would keep the router away for good.
 */
export class LeasedConcurrencyGate implements ConcurrencyGate {
  constructor(
    private readonly local: ConcurrencyGate,
    private readonly leases: ConcurrencyLeases,
  ) {}

  async acquire(key: string, options?: AcquireOptions): Promise<ReleaseSlot> {
    const release = await this.local.acquire(key, options);
    let lease: ReleaseSlot | undefined;
    try {
      lease = await this.leases.tryAcquire(key);
    } catch (error) {
      release();
      throw error;
    }
    if (lease === undefined) {
      release();
      throw new GatewayError('queue_full', `Deployment ${key} is at its concurrency limit across the cluster.`, { deploymentId: key });
    }
    const leased = lease;
    return () => {
      leased();
      release();
    };
  }

  /** A local slot only: the synchronous path cannot ask the cluster. */
  tryAcquire(key: string): ReleaseSlot | undefined {
    return this.local.tryAcquire(key);
  }

  inFlight(key: string): number {
    return this.local.inFlight(key);
  }

  queued(key: string): number {
    return this.local.queued(key);
  }

  isSaturated(key: string): boolean {
    return this.local.isSaturated(key);
  }

  /** The local queue is the only queue there is, so its lengths are the ones to report. */
  onQueueChange(listener: QueueListener): () => void {
    return this.local.onQueueChange?.(listener) ?? (() => undefined);
  }
}
