import type { Telemetry } from '../telemetry/create-telemetry.js';
import type { EndpointHandler } from './exchange.js';

/**
 * `GET /metrics`: Prometheus text exposition. Open like most scrape targets; put it behind the
 * admin key with `protect` when the port is reachable from outside.
 */
export function metricsRoute(telemetry: Telemetry, protect?: (exchange: Parameters<EndpointHandler>[0]) => void): EndpointHandler {
  return async (exchange) => {
    protect?.(exchange);
    const body = await telemetry.metrics.scrape();
    exchange.status = 200;
    exchange.res.writeHead(200, { 'content-type': telemetry.metrics.contentType, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
    exchange.res.end(body);
  };
}
