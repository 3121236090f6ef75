import type { OutcomeClass } from '../spec/outcome-class.js';

/** How an attempt's outcome moves a breaker. */
export type BreakerEffect = 'success' | 'failure' | 'rate_limited' | 'neutral';

/**
 * Only failures that say the deployment is unwell count: a bad request or a filtered prompt is the
 * caller's doing, a 429 means "slow down", not "broken" (it cools the deployment instead), and a
 * superseded leg was aborted by us because a sibling leg answered first.
 */
export function breakerEffect(outcome: OutcomeClass): BreakerEffect {
  switch (outcome) {
    case 'ok':
      return 'success';
    case 'server_error':
    case 'network':
    case 'timeout':
    case 'overloaded':
      return 'failure';
    case 'rate_limited':
      return 'rate_limited';
    case 'invalid_request':
    case 'context_overflow':
    case 'content_filtered':
    case 'auth':
    case 'superseded':
      return 'neutral';
  }
}
