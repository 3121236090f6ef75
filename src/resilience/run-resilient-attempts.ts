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
 * The attempt loop's resilience: admission per candidate, retries with backoff and retry-after,
 * fallback by outcome class (a larger window for overflows), the retry budget and the total
 * deadline. Never retries once the client has gone.
 */
export async function runResilientAttempts<T>(options: ResilientAttemptsOptions<T>): Promise<ResilientSuccess<T>> {
  const { resilience, candidates, signal } = options;
  const clock = resilience.clock;
  const maxAttempts = options.maxAttempts ?? Number.POSITIVE_INFINITY;
  const resolvesAt = options.resolvesAt ?? 'first_token';
  const steps: AttemptStep[] = [];
  // Made on first use, as is `cooling` below: nearly every request is answered by its first
  // call and never reads them.
  let tried: Set<string> | undefined;
  /** Failed calls per deployment: the attempts made on it before the current one. */
  let failedOn: Map<string, number> | undefined;
  let calls = 0;
  let lastError: GatewayError | undefined;
  let skipError: GatewayError | undefined;
  const record = (step: AttemptStep): void => {
    steps.push(step);
    options.onStep?.(step);
  };
  const firstUntried = (): string | undefined => {
    for (const id of candidates) if (tried === undefined || !tried.has(id)) return id;
    return undefined;
  };
  const markTried = (deploymentId: string): Set<string> => (tried ??= new Set()).add(deploymentId);
  const fail = (error: GatewayError): never => {
    throw new AttemptsFailedError(error, steps);
  };

  // The same for every attempt of the loop (a spread's further legs swap in their own signal).
  const admitOptions: AdmitOptions = { signal, deadlineAt: options.deadlineAt, estimatedTokens: options.estimatedTokens };

  // Candidates skipped only because they are cooling down after 429s, with when they are free.
  let cooling: Map<string, number> | undefined;
  let coolingWaits = 0;
  let cooledMs = 0;
  const nextAfterCooling = async (): Promise<string | undefined> => {
    // Every candidate is spent or cooling: wait for the first cool-down to end rather than fail.
    // Again if another request's 429 renewed it meanwhile (one 429 cools a deployment for every
    // request), within a few waits, the retry-after cap in total, and the deadline.
    if (coolingWaits >= MAX_COOLING_WAITS || cooling === undefined || cooling.size === 0 || calls >= maxAttempts) return undefined;
    const [id, freeAt] = [...cooling.entries()].sort((x, y) => x[1] - y[1])[0] as [string, number];
    const wait = Math.max(0, freeAt - clock.now());
    if (cooledMs + wait > resilience.backoff.maxRetryAfterMs) return undefined;
    if (options.deadlineAt !== undefined && clock.now() + wait >= options.deadlineAt) return undefined;
    coolingWaits += 1;
    cooledMs += wait;
    await sleep(wait, signal, clock).catch((aborted: unknown) => fail(toGatewayError(aborted)));
    tried?.delete(id);
    cooling.delete(id);
    return id;
  };

  // A called deployment is not tried again, unless the request waits out its 429 cool-down.
  const spend = (deploymentId: string): Set<string> => {
    const spent = markTried(deploymentId);
    const coolingUntil = resilience.breakers.coolingUntil(deploymentId);
    if (coolingUntil !== undefined) (cooling ??= new Map()).set(deploymentId, coolingUntil);
    return spent;
  };

  // The legs beside the first call: untried candidates after it, admitted as they start.
  const spreadLegs = (primaryId: string): { others: AttemptLeg[]; role: SpreadRole; admit(id: string, legSignal: AbortSignal): Promise<Admission> } | undefined => {
    const spread = options.spread;
    if (spread === undefined) return undefined;
    const next = candidates.filter((id) => id !== primaryId && tried?.has(id) !== true);
    const room = Math.max(0, maxAttempts - 1);
    const others: AttemptLeg[] =
      spread.kind === 'race'
        ? next.slice(0, Math.min(spread.n - 1, room)).map((id) => ({ deploymentId: id, delayMs: 0 }))
        : next.slice(0, Math.min(1, room)).map((id) => ({ deploymentId: id, delayMs: spread.delayMs ?? resilience.hedgeDelayMs(primaryId, { resolvesAt }) }));
    if (others.length === 0) return undefined;
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
  };

  resilience.requestStarted();
  let current = firstUntried();
  while (current !== undefined) {
    if (signal?.aborted) fail(abortReason(signal));
    if (calls >= maxAttempts) break;
    if (options.deadlineAt !== undefined && clock.now() >= options.deadlineAt) {
      fail(new GatewayError('total_timeout', 'The request ran past its deadline.', { cause: lastError }));
    }
    const deploymentId: string = current;
    const admission = resilience.admitAtOnce(deploymentId, admitOptions) ?? (await resilience.admit(deploymentId, admitOptions));
    if (!admission.admitted) {
      markTried(deploymentId);
      skipError ??= admission.error;
      if (admission.error.code === 'rate_limited' && admission.error.retryAfterMs !== undefined) (cooling ??= new Map()).set(deploymentId, clock.now() + admission.error.retryAfterMs);
      record({ deploymentId, called: false, outcome: admission.error.outcome, error: admission.error, latencyMs: 0 });
      current = firstUntried() ?? (await nextAfterCooling());
      continue;
    }
    const spreading = calls === 0 ? spreadLegs(deploymentId) : undefined;
    calls += 1;
    const onCandidate = (failedOn?.get(deploymentId) ?? 0) + 1;
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
        record(winner);
        return { value, deploymentId: wonId, steps, permit };
      }
      const tokens = options.tokensOf?.(value);
      const sample: AttemptSuccessSample = resolvesAt === 'answer' ? { latencyMs, answerMs: latencyMs } : { latencyMs, ttftMs: latencyMs };
      if (tokens !== undefined) sample.tokens = tokens;
      permit.succeeded(sample);
      record(winner);
      return { value, deploymentId: wonId, steps };
    } catch (caught) {
      let thrown = caught;
      let latencyMs = clock.now() - started;
      let legSteps: readonly AttemptStep[] = [];
      if (caught instanceof LegsFailedError) {
        // Further legs that were called count as upstream calls and are spent like the first.
        thrown = caught.error;
        latencyMs = caught.latencyMs;
        calls += caught.called.length;
        for (const id of caught.called) spend(id);
        legSteps = caught.steps;
      }
      const clientGone = signal?.aborted === true;
      const error = clientGone ? abortReason(signal) : toGatewayError(thrown);
      admission.permit.failed(error, { latencyMs });
      (failedOn ??= new Map()).set(deploymentId, onCandidate);
      const triedNow = spend(deploymentId);
      lastError = error;
      const role = spreading?.role === 'race' ? { role: spreading.role } : {};
      if (clientGone) {
        record({ deploymentId, called: true, outcome: error.outcome, error, latencyMs, ...role });
        legSteps.forEach(record);
        fail(error);
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
      record({ deploymentId, called: true, outcome: error.outcome, error, latencyMs, next: plan.action.kind, delayMs: plan.delayMs, ...role });
      legSteps.forEach(record);
      switch (plan.action.kind) {
        case 'return_error': {
          const retry = plan.action.reason === 'no candidate left' ? await nextAfterCooling() : undefined;
          if (retry === undefined) fail(error);
          current = retry;
          break;
        }
        case 'retry_same':
          await sleep(plan.delayMs, signal, clock).catch((aborted: unknown) => fail(toGatewayError(aborted)));
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
  return fail(lastError ?? skipError ?? new GatewayError('no_candidate', 'No deployment is left to try.'));
}
