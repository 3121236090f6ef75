import type { OutgoingHttpHeaders } from 'node:http';
import type { ConsensusOutcome } from '../engine/gateway.js';
import type { Exchange } from './exchange.js';
import { chatCompletionBody } from './chat-completion-body.js';
import { parseChatRequest } from './parse-chat-request.js';
import { readJsonBody } from './read-json-body.js';
import { formatUsd, HEADER } from './response-headers.js';
import { sendJson } from './send-response.js';
import { watchClientGone } from './watch-client-gone.js';
import { applyRoutingHeaders } from './apply-routing-headers.js';
import { writeChatStream } from './write-chat-stream.js';
import { cacheOutcomeHeaders, parseCacheDirective } from './cache-directive-headers.js';

/** `POST /v1/chat/completions`, JSON or SSE. */
export async function handleChatCompletions(exchange: Exchange, maxBodyBytes: number): Promise<void> {
  const request = parseChatRequest(await readJsonBody(exchange.req, maxBodyBytes));
  applyRoutingHeaders(exchange);
  const cacheDirective = parseCacheDirective(exchange.req.headers);
  if (cacheDirective !== undefined) exchange.context.cache = cacheDirective;
  exchange.context.signal = watchClientGone(exchange.res);
  if (request.stream === true) {
    const stream = await exchange.gateway.chatStream(request, exchange.context);
    exchange.status = 200;
    exchange.deploymentId = stream.deploymentId;
    exchange.decisionId = stream.decision.id;
    const settlement = await writeChatStream(exchange.res, stream, {
      includeUsage: request.includeUsage === true,
      requestId: exchange.requestId,
      headers: { [HEADER.requestId]: exchange.requestId, ...cacheOutcomeHeaders(stream.cache), ...consensusHeaders(stream.consensus) },
    });
    exchange.costUsd = settlement.costUsd;
    if (settlement.error !== undefined) exchange.errorCode = settlement.error.code;
    return;
  }
  const result = await exchange.gateway.chat(request, exchange.context);
  exchange.deploymentId = result.deploymentId;
  exchange.decisionId = result.decision.id;
  exchange.costUsd = result.costUsd;
  const headers: OutgoingHttpHeaders = {
    [HEADER.deployment]: result.deploymentId,
    [HEADER.decisionId]: result.decision.id,
    [HEADER.costUsd]: formatUsd(result.costUsd),
    [HEADER.attempts]: String(result.attempts.length),
  };
  // Added in place, in the order the spreads of both gave, with no empty objects when absent.
  if (result.cache !== undefined) Object.assign(headers, cacheOutcomeHeaders(result.cache));
  if (result.consensus !== undefined) Object.assign(headers, consensusHeaders(result.consensus));
  sendJson(exchange, 200, chatCompletionBody(result), headers);
}

/** `x-switchyard-consensus-agreement: 2/3`: how many of the candidates asked gave the returned answer. */
function consensusHeaders(consensus: ConsensusOutcome | undefined): Record<string, string> {
  return consensus === undefined ? {} : { [HEADER.consensusAgreement]: `${consensus.agreeing}/${consensus.asked}` };
}
