import type { Exchange } from './exchange.js';
import { sendJson } from './send-response.js';

/** `GET /healthz`: the process answers. */
export function handleHealth(exchange: Exchange): Promise<void> {
  sendJson(exchange, 200, { status: 'ok' });
  return Promise.resolve();
}

/** `GET /readyz`: at least one deployment can take traffic. */
export function handleReady(exchange: Exchange): Promise<void> {
  const report = exchange.gateway.health();
  sendJson(exchange, report.ready ? 200 : 503, { status: report.ready ? 'ready' : 'not_ready', ...report });
  return Promise.resolve();
}
