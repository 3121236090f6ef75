/** A breaker's position. `half_open` lets a bounded number of probe requests through. */
export type BreakerState = 'closed' | 'open' | 'half_open';

/** Everything a breaker remembers about one deployment: plain data, so a shared store can hold it. */
export interface BreakerRecord {
  state: BreakerState;
  /** Bumped on every state change; outcomes of calls admitted under an older one are ignored. */
  generation: number;
  /** When an open breaker starts letting probes through (epoch ms). */
  openUntil: number;
  /** The cooldown the next opening uses; grows while probes keep failing. */
  cooldownMs: number;
  consecutiveFailures: number;
  probesInFlight: number;
  /** Until when a rate-limited deployment is skipped (epoch ms); independent of `state`. */
  coolingUntil: number;
  consecutiveRateLimits: number;
  /** Rolling window of outcomes: counts per bucket, `windowHead` the absolute number of the newest bucket. */
  windowSuccesses: number[];
  windowFailures: number[];
  windowHead: number;
}

/**
 * Where breaker records live. Synchronous on purpose: the router reads breaker state on every
 * decision. A shared (Redis) implementation keeps a local copy, publishes `set` in the background
 * and calls the change listener when another process moves a breaker.
 */
export interface BreakerStore {
  get(deploymentId: string): BreakerRecord | undefined;
  set(deploymentId: string, record: BreakerRecord): void;
  ids(): Iterable<string>;
  /** Optional: records changed elsewhere. Returns an unsubscribe function. */
  onRemoteChange?(listener: (deploymentId: string, record: BreakerRecord) => void): () => void;
}

/** The single-process store. */
export class MemoryBreakerStore implements BreakerStore {
  private readonly records = new Map<string, BreakerRecord>();

  get(deploymentId: string): BreakerRecord | undefined {
    return this.records.get(deploymentId);
  }

  set(deploymentId: string, record: BreakerRecord): void {
    this.records.set(deploymentId, record);
  }

  ids(): Iterable<string> {
    return this.records.keys();
  }
}
