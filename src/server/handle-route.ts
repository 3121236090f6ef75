import type { Exchange } from './exchange.js';
import { applyRoutingHeaders } from './apply-routing-headers.js';
import { parseChatRequest } from './parse-chat-request.js';
import { readJsonBody } from './read-json-body.js';
import { HEADER } from './response-headers.js';
import { sendJson } from './send-response.js';

/** `POST /v1/route`: the decision for a chat request, without calling any model. */
export async function handleRoute(exchange: Exchange, maxBodyBytes: number): Promise<void> {
  const request = parseChatRequest(await readJsonBody(exchange.req, maxBodyBytes));
  applyRoutingHeaders(exchange);
  const decision = exchange.gateway.route(request, exchange.context);
  exchange.decisionId = decision.id;
  const first = decision.candidates[0];
  if (first !== undefined) exchange.deploymentId = first.deploymentId;
  sendJson(exchange, 200, decision, {
    [HEADER.decisionId]: decision.id,
    ...(first !== undefined ? { [HEADER.deployment]: first.deploymentId } : {}),
  });
}
