import type { CallOptions, ChatModel, Deadlines } from '../spec/chat-model.js';
import type { Usage } from '../spec/usage.js';
import { GatewayError, toGatewayError } from '../errors/gateway-error.js';
import { AttemptsExhaustedError } from './attempts-exhausted-error.js';
import { canFallBack } from './can-fall-back.js';
import type { AttemptRecord, ConsensusOutcome } from './gateway.js';
import type { OutcomeClass } from '../spec/outcome-class.js';
import type { Resilience, RetryOverrides } from '../resilience/resilience.js';
import type { AttemptSpread } from '../resilience/run-resilient-attempts.js';
import type { ConsensusPlan } from './parallel-plan.js';
import { runResilientLoop } from './run-resilient-loop.js';

/** Where attempt outcomes go (resilience's LiveStatsTracker fits). */
export interface AttemptStatsSink {
  begin(deploymentId: string): void;
  end(deploymentId: string, sample: { outcome: OutcomeClass; latencyMs?: number; ttftMs?: number; answerMs?: number }): void;
}

/** What both the answer loop and the stream loop need to walk a decision's candidates. */
export interface AttemptLoopOptions {
  /** Deployment ids, best first: the decision's order. */
  candidates: readonly string[];
  modelFor(deploymentId: string): ChatModel;
  /** The client's signal; aborting it stops the loop and the upstream call. */
  signal?: AbortSignal;
  /** Per-attempt deadlines handed to adapters, per deployment. */
  deadlinesFor?(deploymentId: string): Deadlines | undefined;
  /** Whole-request deadline as an absolute `now()` value; later attempts get what is left. */
  deadlineAt?: number;
  now?: () => number;
  stats?: AttemptStatsSink;
  /** Whether a failure may move on to the next candidate; defaults to `canFallBack`. */
  shouldFallBack?(error: GatewayError, attempt: number): boolean;
  headers?: Record<string, string>;
  /** Retries, breakers, limits and fallback by outcome class; without it the loop walks the candidates once. */
  resilience?: Resilience;
  /** Upstream calls allowed for the request when `resilience` drives the loop. */
  maxAttempts?: number;
  /** The caller named one deployment: never answer from one outside `candidates` (no larger-window escalation). */
  onlyCandidates?: boolean;
  /** The policy's retries, in place of the gateway's, when `resilience` drives the loop. */
  retries?: RetryOverrides;
  /** The policy's deployment for filtered prompts, when `resilience` drives the loop. */
  contentFilterFallback?: string;
  /** The policy's hedging or `mode: race`, when `resilience` drives the loop. */
  spread?: AttemptSpread;
  /** The policy's `mode: consensus` (chat answers only; see runAnswerAttempts). */
  consensus?: ConsensusPlan;
}

export interface AttemptSuccess<T> {
  value: T;
  deploymentId: string;
  attempts: AttemptRecord[];
  consensus?: ConsensusOutcome;
}

/** Per-attempt call options: the client's abort and what is left of the whole-request deadline. */
export function attemptCallOptions(options: AttemptLoopOptions, deploymentId: string, signal: AbortSignal): CallOptions {
  const now = options.now ?? Date.now;
  const deadlines: Deadlines = { ...options.deadlinesFor?.(deploymentId) };
  if (options.deadlineAt !== undefined) {
    const left = options.deadlineAt - now();
    if (left <= 0) throw new GatewayError('total_timeout', 'The request ran past its deadline before an attempt could start.');
    deadlines.totalMs = deadlines.totalMs === undefined ? left : Math.min(deadlines.totalMs, left);
  }
  const callOptions: CallOptions = { signal, deadlines };
  if (options.headers !== undefined) callOptions.headers = options.headers;
  return callOptions;
}

/** Failure bookkeeping shared by both loops; returns whether to try the next candidate. */
export function recordFailure(
  options: AttemptLoopOptions,
  attempts: AttemptRecord[],
  deploymentId: string,
  error: GatewayError,
  latencyMs: number,
): boolean {
  attempts.push({ deploymentId, outcome: error.outcome, errorCode: error.code, message: error.message, latencyMs });
  options.stats?.end(deploymentId, { outcome: error.outcome, latencyMs });
  if (options.signal?.aborted) return false;
  const index = attempts.length - 1;
  const allowed = options.shouldFallBack ? options.shouldFallBack(error, index) : canFallBack(error);
  return allowed && attempts.length < options.candidates.length;
}

export function attributed(error: unknown, deploymentId: string, signal?: AbortSignal): GatewayError {
  if (signal?.aborted && !(error instanceof GatewayError && error.code === 'client_closed')) {
    return new GatewayError('client_closed', 'The client closed the request.', { cause: error, deploymentId });
  }
  const typed = toGatewayError(error);
  if (typed.deploymentId !== undefined) return typed;
  return new GatewayError(typed.code, typed.message, {
    cause: typed.cause ?? typed,
    status: typed.status,
    outcome: typed.outcome,
    param: typed.param,
    retryAfterMs: typed.retryAfterMs,
    upstreamStatus: typed.upstreamStatus,
    deploymentId,
  });
}

/**
 * Calls the candidates in order until one answers. A failure moves on only when it says
 * something about that deployment (see canFallBack); otherwise it is the answer.
 */
export function runAttempts<T>(
  options: AttemptLoopOptions,
  call: (model: ChatModel, callOptions: CallOptions) => Promise<T>,
  usageOf: (value: T) => Usage | undefined,
): Promise<AttemptSuccess<T>> {
  // The resilient loop's promise is handed on as it is: an async wrapper would add a promise and
  // two microtask ticks to every request.
  if (options.resilience !== undefined && options.candidates.length > 0) return runResilientLoop(options, options.resilience, call, usageOf);
  return runPlainAttempts(options, call, usageOf);
}

/** The loop without the resilience layer: each candidate once, in order. */
async function runPlainAttempts<T>(
  options: AttemptLoopOptions,
  call: (model: ChatModel, callOptions: CallOptions) => Promise<T>,
  usageOf: (value: T) => Usage | undefined,
): Promise<AttemptSuccess<T>> {
  const now = options.now ?? Date.now;
  const attempts: AttemptRecord[] = [];
  if (options.candidates.length === 0) throw new GatewayError('no_candidate', 'No deployment is left to try.');
  for (const deploymentId of options.candidates) {
    const started = now();
    let error: GatewayError;
    const controller = new AbortController();
    const onAbort = (): void => controller.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) controller.abort();
    options.stats?.begin(deploymentId);
    try {
      const value = await call(options.modelFor(deploymentId), attemptCallOptions(options, deploymentId, controller.signal));
      const latencyMs = now() - started;
      const usage = usageOf(value);
      const record: AttemptRecord = { deploymentId, outcome: 'ok', latencyMs, ttftMs: latencyMs };
      if (usage !== undefined) record.usage = usage;
      attempts.push(record);
      options.stats?.end(deploymentId, { outcome: 'ok', latencyMs, answerMs: latencyMs });
      return { value, deploymentId, attempts };
    } catch (thrown) {
      error = attributed(thrown, deploymentId, options.signal);
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
    if (!recordFailure(options, attempts, deploymentId, error, now() - started)) {
      throw new AttemptsExhaustedError(error, attempts);
    }
  }
  // Unreachable: recordFailure refuses to continue past the last candidate.
  throw new GatewayError('internal', 'The attempt loop ran out of candidates.');
}
