import type { GatewayError } from '../errors/gateway-error.js';
import type { ErrorCode } from '../errors/error-codes.js';

/**
 * Failures that say something about one deployment rather than about the request: another
 * deployment may well succeed. A misconfigured deployment (bad key, unknown model) and a
 * window too small for this prompt are worth moving past; a caller's own mistake, an abort or
 * a spent whole-request deadline are not.
 */
const DEPLOYMENT_SPECIFIC: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'upstream_auth',
  'upstream_not_found',
  'context_length_exceeded',
]);

const NEVER: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['client_closed', 'total_timeout', 'internal']);

export function canFallBack(error: GatewayError): boolean {
  if (NEVER.has(error.code)) return false;
  return error.retryable || DEPLOYMENT_SPECIFIC.has(error.code);
}
