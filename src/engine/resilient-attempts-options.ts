import type { Resilience } from '../resilience/resilience.js';
import type { ResilientAttemptsOptions } from '../resilience/run-resilient-attempts.js';
import type { AttemptLoopOptions } from './attempt-loop.js';

/**
 * The resilience layer's loop options for an engine loop, the same for answers and streams:
 * candidates, the client's signal, the deadline and the policy's limits, retries, content-filter
 * fallback and spread. Each caller adds what differs (tokens, steps, a kept permit, discards).
 */
export function resilientAttemptsOptions<T>(
  options: AttemptLoopOptions,
  resilience: Resilience,
  call: ResilientAttemptsOptions<T>['call'],
): ResilientAttemptsOptions<T> {
  // Unset fields stay undefined: the resilience loop reads each with a default.
  return {
    resilience,
    candidates: options.candidates,
    call,
    signal: options.signal,
    deadlineAt: options.deadlineAt,
    maxAttempts: options.maxAttempts,
    eligible: options.onlyCandidates === true ? (profile) => options.candidates.includes(profile.id) : undefined,
    retries: options.retries,
    contentFilterFallback: options.contentFilterFallback,
    spread: options.spread,
  };
}
