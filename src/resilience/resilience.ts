import { GatewayError, toGatewayError } from '../errors/gateway-error.js';
import type { LiveStats } from '../spec/live-stats.js';
import type { ModelProfile } from '../spec/model-profile.js';
import { AttemptPermit } from './attempt-permit.js';
import { Backoff, type BackoffOptions } from './backoff.js';
import { BreakerRegistry, type BreakerRegistryOptions, type BreakerTicket } from './breaker-registry.js';
import { realClock, type Clock } from './clock.js';
import { ConcurrencyLimiter, type AcquireOptions, type ConcurrencyGate, type ReleaseSlot } from './concurrency-limiter.js';
import { planFallback, type FallbackAction } from './fallback-action.js';
import { LeasedConcurrencyGate, type ConcurrencyLeases } from './leased-concurrency-gate.js';
import { LiveStatsTracker, type CallResolvesAt } from './live-stats-tracker.js';
import { SlidingWindowRateLimiter, type RateLimiter } from './rate-limiter.js';
import { SlidingWindowRetryBudget, type RetryBudget, type SlidingWindowRetryBudgetOptions } from './retry-budget.js';
import { RetryPolicy, type RetryPolicyOptions, type RetryRefusal } from './retry-policy.js';

export interface ResilienceOptions {
  /** Every deployment's profile: limits come from here, and larger windows are found here. */
  profiles: ReadonlyMap<string, ModelProfile>;
  clock?: Clock;
  backoff?: BackoffOptions;
  retry?: RetryPolicyOptions;
  retryBudget?: Omit<SlidingWindowRetryBudgetOptions, 'clock'>;
  breaker?: Omit<BreakerRegistryOptions, 'clock'>;
  /** Requests allowed to wait for a concurrency slot, per deployment. */
  maxQueue?: number;
  /** Where a filtered prompt goes next, when configured. */
  contentFilterFallback?: string;
  /** Replace the in-memory parts with shared ones (scale-out). */
  budget?: RetryBudget;
  rates?: RateLimiter;
  concurrency?: ConcurrencyGate;
  /** Cluster-wide slots taken on top of the local concurrency gate (scale-out). */
  concurrencyLeases?: ConcurrencyLeases;
}

export interface AdmitOptions {
  signal?: AbortSignal;
  /** Epoch ms when the whole request must be done. */
  deadlineAt?: number;
  /** Prompt plus expected output tokens, for the TPM limit. */
  estimatedTokens?: number;
}

/** Why a deployment was skipped without calling it. */
export type Admission = { admitted: true; permit: AttemptPermit } | { admitted: false; error: GatewayError };

export interface FailureInput {
  error: unknown;
  deploymentId: string;
  /** Attempts made on this deployment in this request, the failed one included. */
  attemptsOnCandidate: number;
  committed: boolean;
  clientGone: boolean;
  /** Ranked candidates after this one. */
  remaining: readonly string[];
  tried: ReadonlySet<string>;
  deadlineAt?: number;
  requiredTokens?: number;
  eligible?: (profile: ModelProfile) => boolean;
  /** The policy's retries, in place of the gateway's: retries per candidate and the backoff. */
  retries?: RetryOverrides;
  /** The policy's deployment for filtered prompts, in place of the gateway's. */
  contentFilterFallback?: string;
}

/** A policy's own retry settings; unset fields keep the gateway's. */
export interface RetryOverrides {
  max?: number;
  baseMs?: number;
  maxMs?: number;
}

export interface FailurePlan {
  action: FallbackAction;
  /** Wait before the next attempt (backoff or retry-after), ms. */
  delayMs: number;
  /** Why the same deployment was not retried, when it was not. */
  retryRefusal?: RetryRefusal | 'retry_after_too_long' | 'breaker_open' | 'budget' | 'deadline';
}

/**
 * The resilience layer as the attempt loop uses it: admission of one attempt (breaker, RPM/TPM,
 * concurrency queue) and the plan after a failure (retry with backoff, fall back, or give up),
 * with the retry budget and breakers kept per gateway.
 */
export class Resilience {
  readonly clock: Clock;
  readonly backoff: Backoff;
  readonly retryPolicy: RetryPolicy;
  readonly budget: RetryBudget;
  readonly breakers: BreakerRegistry;
  readonly stats: LiveStatsTracker;
  readonly rates: RateLimiter;
  readonly concurrency: ConcurrencyGate;

  constructor(private readonly options: ResilienceOptions) {
    const clock = options.clock ?? realClock;
    this.clock = clock;
    this.backoff = new Backoff(options.backoff);
    this.retryPolicy = new RetryPolicy(options.retry);
    this.budget = options.budget ?? new SlidingWindowRetryBudget({ ...options.retryBudget, clock });
    this.breakers = new BreakerRegistry({ ...options.breaker, clock });
    const limits = (id: string) => options.profiles.get(id)?.limits;
    this.rates = options.rates ?? new SlidingWindowRateLimiter({ clock, limitFor: limits });
    const maxQueue = options.maxQueue ?? 16;
    const local =
      options.concurrency ??
      new ConcurrencyLimiter({
        clock,
        limitFor: (id) => {
          const max = limits(id)?.maxConcurrent;
          return max === undefined ? undefined : { maxConcurrent: max, maxQueue };
        },
      });
    this.concurrency = options.concurrencyLeases === undefined ? local : new LeasedConcurrencyGate(local, options.concurrencyLeases);
    this.stats = new LiveStatsTracker({
      clock,
      breakerState: (id) => this.breakers.state(id),
      saturated: (id) => this.isSaturated(id),
    });
  }

  /** Counts a request's first attempt: it earns retry allowance in the budget. */
  requestStarted(): void {
    this.budget.recordAttempt();
  }

  /** Whether the router should skip a deployment now (open breaker, 429 cool-down, at a limit). */
  isAvailable(deploymentId: string): boolean {
    return this.breakers.refusal(deploymentId) === undefined && !this.rates.wouldExceed(deploymentId);
  }

  isSaturated(deploymentId: string): boolean {
    return this.breakers.coolingUntil(deploymentId) !== undefined || this.rates.wouldExceed(deploymentId) || this.concurrency.isSaturated(deploymentId);
  }

  liveStats(deploymentId: string): LiveStats {
    return this.stats.snapshot(deploymentId);
  }

  /**
   * How long to wait before hedging a call, on the figure of what the hedge waits for: a stream's
   * p95 time to first token, or a JSON call's p95 time to its whole answer (a JSON answer's time
   * is no first token: mixed in, it would delay stream hedges). Else `fallbackMs`, else twice the
   * profile's declared TTFT (declared figures are typical, not tail), else 1 s.
   */
  hedgeDelayMs(deploymentId: string, options: { resolvesAt?: CallResolvesAt; fallbackMs?: number } = {}): number {
    const measured = options.resolvesAt === 'answer' ? this.stats.p95AnswerMs(deploymentId) : this.stats.p95TtftMs(deploymentId);
    const declared = this.options.profiles.get(deploymentId)?.latency.ttftMs;
    return measured ?? options.fallbackMs ?? (declared === undefined ? 1_000 : Math.max(50, 2 * declared));
  }

  /** Asks to call a deployment; may wait in its concurrency queue. Never throws for a refusal. */
  async admit(deploymentId: string, options: AdmitOptions = {}): Promise<Admission> {
    const refused = this.breakerRefusal(deploymentId);
    if (refused !== undefined) return refused;
    const tokens = options.estimatedTokens ?? 0;
    // One usage for the check and the record below (neither keeps it).
    const usage = { requests: 1, tokens };
    // A shared limiter answers `wouldExceed` from totals last seen; its atomic `acquire` decides below.
    if (this.rates.acquire === undefined && this.rates.wouldExceed(deploymentId, usage)) return overRate(deploymentId);
    let release;
    try {
      const estimatedServiceMs = this.stats.ewmaLatencyMs(deploymentId);
      const acquire: AcquireOptions = {};
      if (options.signal !== undefined) acquire.signal = options.signal;
      if (options.deadlineAt !== undefined) acquire.deadlineAt = options.deadlineAt;
      if (estimatedServiceMs !== undefined) acquire.estimatedServiceMs = estimatedServiceMs;
      release = await this.concurrency.acquire(deploymentId, acquire);
    } catch (error) {
      const typed = toGatewayError(error);
      if (typed.code === 'client_closed') throw typed;
      return { admitted: false, error: typed };
    }
    const ticket = this.breakers.tryAcquire(deploymentId);
    if (ticket === undefined) {
      release();
      return circuitOpen(deploymentId);
    }
    if (this.rates.acquire === undefined) this.rates.record(deploymentId, usage);
    else if (!(await this.rates.acquire(deploymentId, usage))) {
      this.breakers.release(ticket);
      release();
      return overRate(deploymentId);
    }
    return this.permit(deploymentId, ticket, release, tokens);
  }

  /**
   * `admit`'s answer when it needs no waiting, else undefined (then call `admit`): the same
   * checks in the same order, for the local concurrency gate with a free slot and nobody queued,
   * local rate limits and a live signal. Nearly every attempt is admitted so, and this saves the
   * promise of `admit` and its await on the gate's already-resolved one. Unlike `admit`, no
   * microtask passes between the rate check and the rate record.
   */
  admitAtOnce(deploymentId: string, options: AdmitOptions): Admission | undefined {
    const gate = this.concurrency;
    if (this.rates.acquire !== undefined || !(gate instanceof ConcurrencyLimiter) || options.signal?.aborted === true) return undefined;
    if (gate.isSaturated(deploymentId) || gate.queued(deploymentId) > 0) return undefined;
    const refused = this.breakerRefusal(deploymentId);
    if (refused !== undefined) return refused;
    const tokens = options.estimatedTokens ?? 0;
    const usage = { requests: 1, tokens };
    if (this.rates.wouldExceed(deploymentId, usage)) return overRate(deploymentId);
    // A free slot and an empty queue: the gate grants this at once, as its `acquire` would.
    const release = gate.tryAcquire(deploymentId);
    if (release === undefined) return undefined;
    const ticket = this.breakers.tryAcquire(deploymentId);
    if (ticket === undefined) {
      release();
      return circuitOpen(deploymentId);
    }
    this.rates.record(deploymentId, usage);
    return this.permit(deploymentId, ticket, release, tokens);
  }

  /** Why the breaker refuses a call before any slot is taken, or undefined. */
  private breakerRefusal(deploymentId: string): Admission | undefined {
    const refusal = this.breakers.refusal(deploymentId);
    if (refusal === 'open' || refusal === 'probes_busy') return circuitOpen(deploymentId);
    if (refusal === 'cooling_down') {
      const until = this.breakers.coolingUntil(deploymentId) ?? this.clock.now();
      return {
        admitted: false,
        error: new GatewayError('rate_limited', `Deployment ${deploymentId} is cooling down after upstream rate limits.`, { deploymentId, retryAfterMs: until - this.clock.now() }),
      };
    }
    return undefined;
  }

  private permit(deploymentId: string, ticket: BreakerTicket, release: ReleaseSlot, estimatedTokens: number): Admission {
    this.stats.begin(deploymentId);
    return { admitted: true, permit: new AttemptPermit({ deploymentId, ticket, release, breakers: this.breakers, stats: this.stats, rates: this.rates, estimatedTokens }) };
  }

  /**
   * Plans the step after a failed attempt (call `permit.failed` first). Retries and fallbacks
   * caused by deployment failures spend the retry budget; an auth failure takes the deployment
   * out of rotation.
   */
  afterFailure(input: FailureInput): FailurePlan {
    const error = toGatewayError(input.error);
    const now = this.clock.now();
    if (error.code === 'total_timeout') {
      return { action: { kind: 'return_error', markUnhealthy: false, reason: 'the request ran out of time' }, delayMs: 0, retryRefusal: 'deadline' };
    }
    const retryPolicy = input.retries?.max === undefined ? this.retryPolicy : new RetryPolicy({ ...this.options.retry, maxRetriesPerCandidate: input.retries.max });
    const backoff =
      input.retries?.baseMs === undefined && input.retries?.maxMs === undefined
        ? this.backoff
        : new Backoff({
            ...this.options.backoff,
            ...(input.retries.baseMs === undefined ? {} : { baseMs: input.retries.baseMs }),
            ...(input.retries.maxMs === undefined ? {} : { maxMs: input.retries.maxMs }),
          });
    const verdict = retryPolicy.shouldRetry(error, input.attemptsOnCandidate, { committed: input.committed, clientGone: input.clientGone });
    if (!verdict.retry && (verdict.reason === 'committed' || verdict.reason === 'client_gone')) {
      return { action: { kind: 'return_error', markUnhealthy: false, reason: verdict.reason === 'committed' ? 'the answer had started' : 'the client went away' }, delayMs: 0, retryRefusal: verdict.reason };
    }
    let refusal: FailurePlan['retryRefusal'] = verdict.retry ? undefined : verdict.reason;
    let delayMs = 0;
    if (verdict.retry) {
      if (backoff.exceedsRetryAfterCap(error)) refusal = 'retry_after_too_long';
      else if (this.breakers.state(input.deploymentId) === 'open') refusal = 'breaker_open';
      else {
        const cooling = (this.breakers.coolingUntil(input.deploymentId) ?? now) - now;
        delayMs = Math.max(backoff.retryDelay(input.attemptsOnCandidate, error), cooling);
        if (input.deadlineAt !== undefined && now + delayMs >= input.deadlineAt) refusal = 'deadline';
      }
    }
    const outcome = error.outcome === 'ok' ? 'server_error' : error.outcome;
    const contentFilterFallback = input.contentFilterFallback ?? this.options.contentFilterFallback;
    // The budget gates only repeats on the same deployment: those are what multiply an outage.
    // Moving on is bounded by the candidates and max attempts.
    if (refusal === undefined && !this.budget.tryAcquireRetry()) refusal = 'budget';
    const action = planFallback({
      outcome,
      current: input.deploymentId,
      mayRetrySame: refusal === undefined,
      remaining: input.remaining,
      tried: input.tried,
      profiles: this.options.profiles,
      ...(contentFilterFallback === undefined ? {} : { contentFilterFallback }),
      ...(input.requiredTokens === undefined ? {} : { requiredTokens: input.requiredTokens }),
      ...(input.eligible === undefined ? {} : { eligible: input.eligible }),
    });
    if (action.kind === 'return_error' && action.markUnhealthy) this.breakers.forceOpen(input.deploymentId);
    const plan: FailurePlan = { action, delayMs: action.kind === 'retry_same' ? delayMs : 0 };
    if (refusal !== undefined) plan.retryRefusal = refusal;
    return plan;
  }
}

function overRate(deploymentId: string): Admission {
  return { admitted: false, error: new GatewayError('rate_limited', `Deployment ${deploymentId} is at its configured RPM/TPM limit.`, { deploymentId }) };
}

function circuitOpen(deploymentId: string): Admission {
  return { admitted: false, error: new GatewayError('circuit_open', `Deployment ${deploymentId} is cooling down behind an open circuit breaker.`, { deploymentId }) };
}
