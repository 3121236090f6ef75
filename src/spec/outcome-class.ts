/** How one upstream attempt ended. The attempt loop decides retry and fallback from this alone. */
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
] as const;

export type OutcomeClass = (typeof OUTCOME_CLASSES)[number];
