import type { Decision, ExclusionReason } from '../spec/decision.js';
import { GatewayError } from '../errors/gateway-error.js';

// Exclusions that say "not now" rather than "never for this request".
const TRANSIENT: ReadonlySet<ExclusionReason> = new Set(['breaker_open', 'rate_limited']);

/**
 * The error for a decision without candidates. When every deployment was left out only for
 * being behind an open breaker or at its limits, the request itself is fine: answer 503
 * `circuit_open` (or 429 when only limits stood in the way) so that clients retry later,
 * instead of a 400 that tells them to change the request.
 */
export function noCandidateError(decision: Decision): GatewayError {
  const why = decision.excluded.map((e) => `${e.deploymentId}: ${e.detail} (${e.reason})`).join('; ');
  const excluded = decision.excluded;
  if (excluded.length > 0 && excluded.every((e) => TRANSIENT.has(e.reason))) {
    if (excluded.some((e) => e.reason === 'breaker_open')) {
      return new GatewayError('circuit_open', `Every candidate deployment is unavailable right now: ${why}.`);
    }
    return new GatewayError('rate_limited', `Every candidate deployment is at its rate or concurrency limit: ${why}.`);
  }
  return new GatewayError('no_candidate', `No deployment can serve this request${why === '' ? '.' : `: ${why}.`}`);
}
