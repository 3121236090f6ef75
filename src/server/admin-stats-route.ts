import { GatewayError } from '../errors/gateway-error.js';
import type { Telemetry } from '../telemetry/create-telemetry.js';
import { parseWindow } from '../telemetry/parse-window.js';
import type { AdminAccess } from './admin-access.js';
import type { EndpointHandler } from './exchange.js';
import { queryParams } from './query-params.js';
import { sendJson } from './send-response.js';

/** Parses `window=` (default 5m; `all` for since start); a bad value is the caller's error. */
export function windowParam(params: URLSearchParams, fallback = '5m'): number | undefined {
  try {
    return parseWindow(params.get('window') ?? fallback);
  } catch (error) {
    throw new GatewayError('invalid_request', (error as Error).message, { param: 'window' });
  }
}

/** `GET /admin/stats?window=5m|1h|all`: per-deployment and gateway-wide statistics, plus since-start totals. */
export function adminStatsRoute(telemetry: Telemetry, access: AdminAccess): EndpointHandler {
  return (exchange) => {
    access.check(exchange);
    const windowMs = windowParam(queryParams(exchange));
    if (windowMs !== undefined && windowMs > telemetry.stats.maxWindowMs) {
      throw new GatewayError('invalid_request', `window is longer than the ${telemetry.stats.maxWindowMs / 3_600_000} h kept; use "all" for since start.`, { param: 'window' });
    }
    const report = telemetry.stats.report(windowMs);
    const sinceStart = windowMs === undefined ? report : telemetry.stats.report();
    sendJson(exchange, 200, { ...report, sinceStart: { from: sinceStart.from, gateway: sinceStart.gateway, deployments: sinceStart.deployments } });
    return Promise.resolve();
  };
}
