import { toGatewayError } from '../errors/gateway-error.js';
import type { OutcomeClass } from '../spec/outcome-class.js';
import { breakerEffect } from './breaker-outcome.js';
import { MemoryBreakerStore, type BreakerRecord, type BreakerState, type BreakerStore } from './breaker-store.js';
import {
  DEFAULT_BREAKER_OPTIONS,
  applyOutcome,
  effectiveState,
  moveTo,
  newBreakerRecord,
  open,
  settleCooldown,
  type BreakerChange,
  type BreakerReason,
  type CircuitBreakerOptions,
  type ResolvedBreakerOptions,
} from './circuit-breaker.js';
import { realClock, type Clock } from './clock.js';

/** Permission for one call; hand it back through `record` or `release`. */
export interface BreakerTicket {
  readonly deploymentId: string;
  /** True when the call is a half-open probe. */
  readonly probe: boolean;
  readonly generation: number;
}

export interface BreakerTransition extends BreakerChange {
  deploymentId: string;
  at: number;
  /** When an open breaker lets probes through again (epoch ms); set on transitions to `open`. */
  openUntil?: number;
}

export type BreakerRefusal = 'open' | 'cooling_down' | 'probes_busy';

export interface BreakerRegistryOptions extends CircuitBreakerOptions {
  clock?: Clock;
  store?: BreakerStore;
}

/** Per-deployment circuit breakers and rate-limit cool-downs, readable by the router and metrics. */
export class BreakerRegistry {
  readonly options: ResolvedBreakerOptions;
  private readonly clock: Clock;
  private readonly store: BreakerStore;
  private readonly listeners = new Set<(transition: BreakerTransition) => void>();

  constructor(options: BreakerRegistryOptions = {}) {
    const { clock, store, ...breaker } = options;
    this.options = { ...DEFAULT_BREAKER_OPTIONS, ...stripUndefined(breaker) };
    this.clock = clock ?? realClock;
    this.store = store ?? new MemoryBreakerStore();
  }

  /** Subscribes to state changes (for metrics and logs). Returns an unsubscribe function. */
  onTransition(listener: (transition: BreakerTransition) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The state the router sees (`LiveStats.breaker`). Does not change anything. */
  state(deploymentId: string): BreakerState {
    const record = this.store.get(deploymentId);
    return record === undefined ? 'closed' : effectiveState(record, this.clock.now());
  }

  /** Until when a rate-limited deployment is cooling down (epoch ms), or undefined. */
  coolingUntil(deploymentId: string): number | undefined {
    const until = this.store.get(deploymentId)?.coolingUntil ?? 0;
    return until > this.clock.now() ? until : undefined;
  }

  /** Whether a call may start now, without taking a probe slot. */
  refusal(deploymentId: string): BreakerRefusal | undefined {
    const record = this.store.get(deploymentId);
    if (record === undefined) return undefined;
    const now = this.clock.now();
    const state = effectiveState(record, now);
    if (state === 'open') return 'open';
    if (record.coolingUntil > now) return 'cooling_down';
    if (state === 'half_open' && record.state === 'half_open' && record.probesInFlight >= this.options.halfOpenProbes) return 'probes_busy';
    return undefined;
  }

  /** Asks to make one call. Undefined means skip the deployment (open, cooling down, or probes busy). */
  tryAcquire(deploymentId: string): BreakerTicket | undefined {
    const record = this.recordOf(deploymentId);
    const now = this.clock.now();
    const change = settleCooldown(record, now);
    if (change !== undefined) this.commit(deploymentId, record, change);
    if (record.state === 'open' || record.coolingUntil > now) return undefined;
    if (record.state === 'half_open') {
      if (record.probesInFlight >= this.options.halfOpenProbes) return undefined;
      record.probesInFlight += 1;
      this.store.set(deploymentId, record);
      return { deploymentId, probe: true, generation: record.generation };
    }
    return { deploymentId, probe: false, generation: record.generation };
  }

  /** Reports how the call ended. Calls admitted before the last state change do not move the breaker. */
  record(ticket: BreakerTicket, outcome: OutcomeClass, retryAfterMs?: number): void {
    const record = this.recordOf(ticket.deploymentId);
    const effect = breakerEffect(outcome);
    const now = this.clock.now();
    if (ticket.generation !== record.generation) {
      // A stale 429 still says "slow down"; a stale failure says nothing about the current state.
      if (effect === 'rate_limited') applyOutcome(record, effect, this.options, now, retryAfterMs);
      this.store.set(ticket.deploymentId, record);
      return;
    }
    if (ticket.probe && record.state === 'half_open') record.probesInFlight = Math.max(0, record.probesInFlight - 1);
    const change = applyOutcome(record, effect, this.options, now, retryAfterMs);
    this.commit(ticket.deploymentId, record, change);
  }

  /** Reports a failed call by its error; `client_closed` (the caller gave up) is not the deployment's fault. */
  recordError(ticket: BreakerTicket, error: unknown): void {
    const typed = toGatewayError(error);
    if (typed.code === 'client_closed') {
      this.release(ticket);
      return;
    }
    this.record(ticket, typed.outcome, typed.retryAfterMs);
  }

  /** Returns a ticket whose call ended without a verdict (aborted hedge loser, client gone). */
  release(ticket: BreakerTicket): void {
    const record = this.store.get(ticket.deploymentId);
    if (record === undefined || !ticket.probe || ticket.generation !== record.generation) return;
    record.probesInFlight = Math.max(0, record.probesInFlight - 1);
    this.store.set(ticket.deploymentId, record);
  }

  /** Takes a deployment out of rotation, e.g. after the upstream rejected our credentials or failed its health checks. */
  forceOpen(deploymentId: string, cooldownMs = this.options.maxCooldownMs, reason: BreakerReason = 'forced'): void {
    const record = this.recordOf(deploymentId);
    this.commit(deploymentId, record, open(record, this.clock.now(), reason, cooldownMs));
  }

  /** Feeds an active health check: a failure counts like a call's; a success ends an open cooldown early. */
  recordHealthCheck(deploymentId: string, outcome: OutcomeClass): void {
    const record = this.recordOf(deploymentId);
    const effect = breakerEffect(outcome);
    if (record.state === 'open' && effect === 'success') {
      record.openUntil = this.clock.now();
      this.commit(deploymentId, record, moveTo(record, 'half_open', 'health_check'));
      return;
    }
    if (record.state === 'half_open') return; // real probes decide
    this.commit(deploymentId, record, applyOutcome(record, effect, this.options, this.clock.now()));
  }

  /** Every deployment with a record and its visible state. */
  snapshot(): Array<{ deploymentId: string; state: BreakerState; coolingUntil?: number }> {
    const now = this.clock.now();
    const out: Array<{ deploymentId: string; state: BreakerState; coolingUntil?: number }> = [];
    for (const id of this.store.ids()) {
      const record = this.store.get(id);
      if (record === undefined) continue;
      out.push({ deploymentId: id, state: effectiveState(record, now), ...(record.coolingUntil > now ? { coolingUntil: record.coolingUntil } : {}) });
    }
    return out;
  }

  private recordOf(deploymentId: string): BreakerRecord {
    let record = this.store.get(deploymentId);
    if (record === undefined) {
      record = newBreakerRecord(this.options, this.clock.now());
      this.store.set(deploymentId, record);
    }
    return record;
  }

  private commit(deploymentId: string, record: BreakerRecord, change: BreakerChange | undefined): void {
    this.store.set(deploymentId, record);
    if (change === undefined || this.listeners.size === 0) return;
    const transition: BreakerTransition = { ...change, deploymentId, at: this.clock.now(), ...(record.state === 'open' ? { openUntil: record.openUntil } : {}) };
    for (const listener of this.listeners) listener(transition);
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
