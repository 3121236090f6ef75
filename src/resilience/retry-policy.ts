import { toGatewayError } from '../errors/gateway-error.js';
import type { OutcomeClass } from '../spec/outcome-class.js';

/** Outcome classes where trying the same deployment again may help. */
export const RETRYABLE_OUTCOMES: ReadonlySet<OutcomeClass> = new Set<OutcomeClass>([
  'rate_limited',
  'overloaded',
  'timeout',
  'server_error',
  'network',
]);

export interface RetryPolicyOptions {
  /** Retries on one candidate after its first attempt (0 disables same-deployment retries). */
  maxRetriesPerCandidate?: number;
}

export interface RetryContext {
  /** The first byte has gone to the client. */
  committed: boolean;
  /** The client disconnected or cancelled. */
  clientGone: boolean;
}

export type RetryRefusal = 'committed' | 'client_gone' | 'not_retryable' | 'max_retries';

export type RetryVerdict = { retry: true } | { retry: false; reason: RetryRefusal };

/**
 * Whether an attempt that failed with `error` may be repeated on the same candidate. The retry
 * budget and the backoff are separate: this answers only "is it allowed at all".
 */
export class RetryPolicy {
  readonly maxRetriesPerCandidate: number;

  constructor(options: RetryPolicyOptions = {}) {
    this.maxRetriesPerCandidate = Math.max(0, options.maxRetriesPerCandidate ?? 2);
  }

  /**
   * `attemptNumber` counts attempts already made on this candidate (1 after the first one failed).
   * An error must be both of a retryable class and retryable by its code: a total-deadline
   * timeout or an exhausted budget (rate_limited class) must not be repeated.
   */
  shouldRetry(error: unknown, attemptNumber: number, context: RetryContext): RetryVerdict {
    if (context.clientGone) return { retry: false, reason: 'client_gone' };
    if (context.committed) return { retry: false, reason: 'committed' };
    const typed = toGatewayError(error);
    if (typed.code === 'client_closed') return { retry: false, reason: 'client_gone' };
    if (!typed.retryable || !RETRYABLE_OUTCOMES.has(typed.outcome)) return { retry: false, reason: 'not_retryable' };
    if (attemptNumber > this.maxRetriesPerCandidate) return { retry: false, reason: 'max_retries' };
    return { retry: true };
  }
}
