/**
 * How one upstream attempt ended. The attempt loop decides retry and fallback from this alone.
 * `superseded`: a hedge or race leg aborted because another leg of the same request answered
 * first; it says nothing of the deployment's health and is never retried or fallen back from.
 */
export const OUTCOME_CLASSES = [
  'ok',
  'rate_limited',
  'overloaded',
  'timeout',
  'context_overflow',
  'content_filtered',
  'invalid_request',
  'auth',
  'server_error',
  'network',
  'superseded',
] as const;

export type OutcomeClass = (typeof OUTCOME_CLASSES)[number];

/** Whether an attempt failed: neither answered nor superseded (losing a race to a sibling leg is no failure). */
export function isFailedOutcome(outcome: OutcomeClass): boolean {
  return outcome !== 'ok' && outcome !== 'superseded';
}
