import { GatewayError, toGatewayError } from '../errors/gateway-error.js';
import type { ModelProfile } from '../spec/model-profile.js';
import type { OutcomeClass } from '../spec/outcome-class.js';
import { abortReason } from './abort-reason.js';
import type { AttemptPermit, AttemptSuccessSample } from './attempt-permit.js';
import type { FallbackAction } from './fallback-action.js';
import type { CallResolvesAt } from './live-stats-tracker.js';
import type { AdmitOptions, Admission, Resilience, RetryOverrides } from './resilience.js';
import { LegsFailedError, runAttemptLegs, type AttemptLeg, type LegWin } from './run-attempt-legs.js';
import { sleep } from './sleep.js';

/** Why an attempt ran beside another: a hedge after the delay, or one leg of `mode: race`. */
export type SpreadRole = 'hedge' | 'race';

/**
 * How the request's first upstream call is spread. `hedge`: if it has not answered (a stream:
 * reached its first token) after `delayMs` (else the deployment's measured p95 time to first
 * token), the next candidate is started too; hedges are paid from the retry budget. `race`: the
 * first `n` candidates are called at once. Either way the first to answer wins and the others are
 * aborted at once.
 */
export type AttemptSpread = { kind: 'hedge'; delayMs?: number } | { kind: 'race'; n: number };

/** One step of the loop: an upstream attempt, or a candidate skipped without calling it. */
export interface AttemptStep {
  deploymentId: string;
  /** False when admission refused the deployment (open breaker, cool-down, limit, full queue). */
  called: boolean;
  outcome: OutcomeClass;
  error?: GatewayError;
  latencyMs: number;
  /** What the loop did next, after a failure. */
  next?: FallbackAction['kind'];
  /** Wait before the next attempt, ms. */
  delayMs?: number;
  /** Set on the legs of a spread call (the first leg of a hedge has none: it is the first pick). */
  role?: SpreadRole;
}

export interface ResilientAttemptsOptions<T> {
  resilience: Resilience;
  /** Ranked deployment ids, best first. */
  candidates: readonly string[];
  /**
   * One upstream attempt. For streams it resolves at the commit point (first content part read
   * ahead), so that a failure before it is still retried or failed over.
   */
  call(deploymentId: string, signal: AbortSignal): Promise<T>;
  signal?: AbortSignal;
  deadlineAt?: number;
  /** Upstream calls allowed for the whole request. */
  maxAttempts?: number;
  estimatedTokens?: number;
  requiredTokens?: number;
  eligible?: (profile: ModelProfile) => boolean;
  /** Tokens really used, to correct the TPM estimate. */
  tokensOf?(value: T): number | undefined;
  /** Every step as it ends (ledger, decision log, metrics). */
  onStep?(step: AttemptStep): void;
  /**
   * Hand the winning attempt's permit to the caller instead of settling it: a stream is only
   * committed when `call` resolves, and its verdict (and its tokens) come when it ends.
   */
  keepPermit?: boolean;
  /** The policy's retry settings, in place of the gateway's. */
  retries?: RetryOverrides;
  /** The policy's deployment for filtered prompts. */
  contentFilterFallback?: string;
  /** Hedge or race the first upstream call. */
  spread?: AttemptSpread;
  /** Closes a value that arrived after its leg lost a spread call (an opened stream). */
  discard?(value: T): void;
  /**
   * What `call` resolves at: a stream's first token (the default) or a whole JSON answer. The
   * winner's time is recorded as that figure, and a hedge's delay is that figure's p95.
   */
  resolvesAt?: CallResolvesAt;
}

export interface ResilientSuccess<T> {
  value: T;
  deploymentId: string;
  steps: AttemptStep[];
  /** The winner's permit, still open, when `keepPermit` was set: settle it exactly once. */
  permit?: AttemptPermit;
}

/** Thrown when the loop gives up; `error` is the failure to answer with, `steps` what was tried. */
export class AttemptsFailedError extends Error {
  override readonly name = 'AttemptsFailedError';
  constructor(
    readonly error: GatewayError,
    readonly steps: AttemptStep[],
  ) {
    super(error.message, { cause: error });
  }
}

/** Most waits for a 429 cool-down in one request once every candidate is spent or cooling. */
const MAX_COOLING_WAITS = 4;

/**
 * One request's walk over its candidates: what was tried, failed, skipped or is cooling down.
 * A record with methods rather than closures over the loop's variables: nearly every request is
 * answered by its first call, and this costs it one object instead of seven closures.
 */
class AttemptRun<T> {
  readonly steps: AttemptStep[] = [];
  // Made on first use: nearly every request is answered by its first call and never reads them.
  tried: Set<string> | undefined;
  /** Failed calls per deployment: the attempts made on it before the current one. */
  failedOn: Map<string, number> | undefined;
  /** Candidates skipped only because they are cooling down after 429s, with when they are free. */
  cooling: Map<string, number> | undefined;
  calls = 0;
  coolingWaits = 0;
  cooledMs = 0;
  lastError: GatewayError | undefined;
  skipError: GatewayError | undefined;
  readonly maxAttempts: number;
  readonly resolvesAt: CallResolvesAt;
  /** The same for every attempt of the loop (a spread's further legs swap in their own signal). */
  readonly admitOptions: AdmitOptions;

  constructor(readonly options: ResilientAttemptsOptions<T>) {
    this.maxAttempts = options.maxAttempts ?? Number.POSITIVE_INFINITY;
    this.resolvesAt = options.resolvesAt ?? 'first_token';
    this.admitOptions = { signal: options.signal, deadlineAt: options.deadlineAt, estimatedTokens: options.estimatedTokens };
  }

  record(step: AttemptStep): void {
    this.steps.push(step);
    this.options.onStep?.(step);
  }

  firstUntried(): string | undefined {
    const tried = this.tried;
    for (const id of this.options.candidates) if (tried === undefined || !tried.has(id)) return id;
    return undefined;
  }

  markTried(deploymentId: string): Set<string> {
    return (this.tried ??= new Set()).add(deploymentId);
  }

  coolUntil(deploymentId: string, freeAt: number): void {
    (this.cooling ??= new Map()).set(deploymentId, freeAt);
  }

  fail(error: GatewayError): never {
    throw new AttemptsFailedError(error, this.steps);
  }

  /**
   * Every candidate is spent or cooling: wait for the first cool-down to end rather than fail.
   * Again if another request's 429 renewed it meanwhile (one 429 cools a deployment for every
   * request), within a few waits, the retry-after cap in total, and the deadline.
   */
  async nextAfterCooling(): Promise<string | undefined> {
    const { resilience, signal, deadlineAt } = this.options;
    const clock = resilience.clock;
    const cooling = this.cooling;
    if (this.coolingWaits >= MAX_COOLING_WAITS || cooling === undefined || cooling.size === 0 || this.calls >= this.maxAttempts) return undefined;
    const [id, freeAt] = [...cooling.entries()].sort((x, y) => x[1] - y[1])[0] as [string, number];
    const wait = Math.max(0, freeAt - clock.now());
    if (this.cooledMs + wait > resilience.backoff.maxRetryAfterMs) return undefined;
    if (deadlineAt !== undefined && clock.now() + wait >= deadlineAt) return undefined;
    this.coolingWaits += 1;
    this.cooledMs += wait;
    await sleep(wait, signal, clock).catch((aborted: unknown) => this.fail(toGatewayError(aborted)));
    this.tried?.delete(id);
    cooling.delete(id);
    return id;
  }

  /** A called deployment is not tried again, unless the request waits out its 429 cool-down. */
  spend(deploymentId: string): Set<string> {
    const spent = this.markTried(deploymentId);
    const coolingUntil = this.options.resilience.breakers.coolingUntil(deploymentId);
    if (coolingUntil !== undefined) this.coolUntil(deploymentId, coolingUntil);
    return spent;
  }

  /** The legs beside the first call: untried candidates after it, admitted as they start. */
  spreadLegs(primaryId: string): { others: AttemptLeg[]; role: SpreadRole; admit(id: string, legSignal: AbortSignal): Promise<Admission> } | undefined {
    const { spread, resilience } = this.options;
    if (spread === undefined) return undefined;
    const tried = this.tried;
    const next = this.options.candidates.filter((id) => id !== primaryId && tried?.has(id) !== true);
    const room = Math.max(0, this.maxAttempts - 1);
    const resolvesAt = this.resolvesAt;
    const others: AttemptLeg[] =
      spread.kind === 'race'
        ? next.slice(0, Math.min(spread.n - 1, room)).map((id) => ({ deploymentId: id, delayMs: 0 }))
        : next.slice(0, Math.min(1, room)).map((id) => ({ deploymentId: id, delayMs: spread.delayMs ?? resilience.hedgeDelayMs(primaryId, { resolvesAt }) }));
    if (others.length === 0) return undefined;
    const admitOptions = this.admitOptions;
    return {
      others,
      role: spread.kind,
      admit: async (id, legSignal) => {
        // A hedge adds upstream traffic like a retry does, so it is paid from the same budget.
        if (spread.kind === 'hedge' && !resilience.budget.tryAcquireRetry()) {
          return { admitted: false, error: new GatewayError('rate_limited', 'The retry budget is spent: no hedge.', { deploymentId: id }) };
        }
        return resilience.admit(id, Object.assign({}, admitOptions, { signal: legSignal }));
      },
    };
  }
}

/**
 * The attempt loop's resilience: admission per candidate, retries with backoff and retry-after,
 * fallback by outcome class (a larger window for overflows), the retry budget and the total
 * deadline. Never retries once the client has gone.
 */
export async function runResilientAttempts<T>(options: ResilientAttemptsOptions<T>): Promise<ResilientSuccess<T>> {
  const { resilience, candidates, signal } = options;
  const clock = resilience.clock;
  const run = new AttemptRun(options);
  const { steps, maxAttempts, admitOptions } = run;

  resilience.requestStarted();
  let current = run.firstUntried();
  while (current !== undefined) {
    if (signal?.aborted) run.fail(abortReason(signal));
    if (run.calls >= maxAttempts) break;
    if (options.deadlineAt !== undefined && clock.now() >= options.deadlineAt) {
      run.fail(new GatewayError('total_timeout', 'The request ran past its deadline.', { cause: run.lastError }));
    }
    const deploymentId: string = current;
    const admission = resilience.admitAtOnce(deploymentId, admitOptions) ?? (await resilience.admit(deploymentId, admitOptions));
    if (!admission.admitted) {
      run.markTried(deploymentId);
      run.skipError ??= admission.error;
      if (admission.error.code === 'rate_limited' && admission.error.retryAfterMs !== undefined) run.coolUntil(deploymentId, clock.now() + admission.error.retryAfterMs);
      run.record({ deploymentId, called: false, outcome: admission.error.outcome, error: admission.error, latencyMs: 0 });
      current = run.firstUntried() ?? (await run.nextAfterCooling());
      continue;
    }
    const spreading = run.calls === 0 ? run.spreadLegs(deploymentId) : undefined;
    run.calls += 1;
    const onCandidate = (run.failedOn?.get(deploymentId) ?? 0) + 1;
    const started = clock.now();
    try {
      // The plain call (nearly every request) is read without a win record of its own.
      let value: T;
      let wonId = deploymentId;
      let permit = admission.permit;
      let latencyMs: number;
      let role: SpreadRole | undefined;
      if (spreading === undefined) {
        value = await options.call(deploymentId, signal ?? new AbortController().signal);
        latencyMs = clock.now() - started;
      } else {
        const record = (step: AttemptStep): void => run.record(step);
        const won: LegWin<T> = await runAttemptLegs({ ...spreading, primary: { deploymentId, permit: admission.permit }, clock, call: options.call, record, ...(signal === undefined ? {} : { signal }), ...(options.discard === undefined ? {} : { discard: options.discard }) });
        value = won.value;
        wonId = won.deploymentId;
        permit = won.permit;
        latencyMs = won.latencyMs;
        role = won.role;
      }
      const winner: AttemptStep = { deploymentId: wonId, called: true, outcome: 'ok', latencyMs };
      if (role !== undefined) winner.role = role;
      if (options.keepPermit === true) {
        run.record(winner);
        return { value, deploymentId: wonId, steps, permit };
      }
      const tokens = options.tokensOf?.(value);
      const sample: AttemptSuccessSample = run.resolvesAt === 'answer' ? { latencyMs, answerMs: latencyMs } : { latencyMs, ttftMs: latencyMs };
      if (tokens !== undefined) sample.tokens = tokens;
      permit.succeeded(sample);
      run.record(winner);
      return { value, deploymentId: wonId, steps };
    } catch (caught) {
      let thrown = caught;
      let latencyMs = clock.now() - started;
      let legSteps: readonly AttemptStep[] = [];
      if (caught instanceof LegsFailedError) {
        // Further legs that were called count as upstream calls and are spent like the first.
        thrown = caught.error;
        latencyMs = caught.latencyMs;
        run.calls += caught.called.length;
        for (const id of caught.called) run.spend(id);
        legSteps = caught.steps;
      }
      const clientGone = signal?.aborted === true;
      const error = clientGone ? abortReason(signal) : toGatewayError(thrown);
      admission.permit.failed(error, { latencyMs });
      (run.failedOn ??= new Map()).set(deploymentId, onCandidate);
      const triedNow = run.spend(deploymentId);
      run.lastError = error;
      const role = spreading?.role === 'race' ? { role: spreading.role } : {};
      if (clientGone) {
        run.record({ deploymentId, called: true, outcome: error.outcome, error, latencyMs, ...role });
        for (const step of legSteps) run.record(step);
        run.fail(error);
      }
      const plan = resilience.afterFailure({
        error,
        deploymentId,
        attemptsOnCandidate: onCandidate,
        committed: false,
        clientGone,
        remaining: candidates.filter((id) => !triedNow.has(id)),
        tried: triedNow,
        ...(options.deadlineAt === undefined ? {} : { deadlineAt: options.deadlineAt }),
        ...(options.requiredTokens === undefined ? {} : { requiredTokens: options.requiredTokens }),
        ...(options.eligible === undefined ? {} : { eligible: options.eligible }),
        ...(options.retries === undefined ? {} : { retries: options.retries }),
        ...(options.contentFilterFallback === undefined ? {} : { contentFilterFallback: options.contentFilterFallback }),
      });
      run.record({ deploymentId, called: true, outcome: error.outcome, error, latencyMs, next: plan.action.kind, delayMs: plan.delayMs, ...role });
      for (const step of legSteps) run.record(step);
      switch (plan.action.kind) {
        case 'return_error': {
          const retry = plan.action.reason === 'no candidate left' ? await run.nextAfterCooling() : undefined;
          if (retry === undefined) run.fail(error);
          current = retry;
          break;
        }
        case 'retry_same':
          await sleep(plan.delayMs, signal, clock).catch((aborted: unknown) => run.fail(toGatewayError(aborted)));
          current = deploymentId;
          break;
        case 'next_candidate':
        case 'next_larger_window':
        case 'content_filter_fallback':
          current = plan.action.deploymentId;
          break;
      }
    }
  }
  return run.fail(run.lastError ?? run.skipError ?? new GatewayError('no_candidate', 'No deployment is left to try.'));
}
