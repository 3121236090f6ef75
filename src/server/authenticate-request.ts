import type { GatewayAccess } from '../engine/gateway-accounting.js';
import type { Exchange } from './exchange.js';

/**
 * The `onRequest` hook that puts the caller on every `/v1/*` request when keys are required:
 * a missing, unknown, revoked or expired key ends the request with 401 before any endpoint runs.
 * The key itself is never stored on the exchange, so no later log line can carry it.
 */
export function authenticateRequest(access: GatewayAccess): (exchange: Exchange) => Promise<void> {
  return async (exchange) => {
    if (!access.keysRequired || !exchange.path.startsWith('/v1/')) return;
    exchange.context.principal = await access.authenticate(exchange.req.headers.authorization);
  };
}
