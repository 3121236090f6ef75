import { GatewayError } from '../errors/gateway-error.js';

/**
 * The typed error an aborted wait rejects with: the signal's reason when it is already a
 * GatewayError (a deadline, a lost hedge), else `client_closed`.
 */
export function abortReason(signal: AbortSignal | undefined): GatewayError {
  const reason: unknown = signal?.reason;
  if (reason instanceof GatewayError) return reason;
  return new GatewayError('client_closed', 'The request was cancelled before the upstream answered.', { cause: reason });
}
