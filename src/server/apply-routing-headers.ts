import type { Exchange } from './exchange.js';
import { parseRoutingHeaders } from './parse-routing-headers.js';

/** Copies `x-switchyard-*` wishes into the request context; the engine merges them with the body's. */
export function applyRoutingHeaders(exchange: Exchange): void {
  const { wishes, policy } = parseRoutingHeaders(exchange.req.headers);
  if (wishes !== undefined) exchange.context.wishes = wishes;
  if (policy !== undefined) exchange.context.policy = policy;
}
