import type { OutgoingHttpHeaders } from 'node:http';
import { GatewayError, toGatewayError } from '../errors/gateway-error.js';
import { toOpenAIErrorBody } from '../errors/openai-error-body.js';
import { AttemptsExhaustedError } from '../engine/attempts-exhausted-error.js';
import type { Exchange } from './exchange.js';
import { HEADER, jsonHeaders } from './response-headers.js';

export function sendJson(exchange: Exchange, status: number, value: unknown, headers?: OutgoingHttpHeaders): void {
  const body = JSON.stringify(value);
  exchange.status = status;
  exchange.res.writeHead(status, jsonHeaders(body, exchange.requestId, headers));
  exchange.res.end(body);
}

/**
 * Any failure as OpenAI's error body with its status. Bugs become a bland 500 that names the
 * request id: stack traces and internal messages stay in the logs.
 */
export function sendError(exchange: Exchange, thrown: unknown): void {
  const error = toGatewayError(thrown);
  exchange.errorCode = error.code;
  const { res } = exchange;
  if (res.headersSent) {
    // Mid-response failures are reported in-band by the writer; all that is left is to stop.
    if (!res.writableEnded) res.end();
    return;
  }
  if (res.destroyed) {
    exchange.status = error.status;
    return;
  }
  const shown =
    error.code === 'internal'
      ? new GatewayError('internal', `Internal error; see the gateway log for request ${exchange.requestId}.`)
      : error;
  const headers: OutgoingHttpHeaders = {};
  if (error.retryAfterMs !== undefined && (error.status === 429 || error.status === 503)) headers['retry-after'] = String(Math.ceil(error.retryAfterMs / 1000));
  if (error instanceof AttemptsExhaustedError) headers[HEADER.attempts] = String(error.attempts.length);
  if (error.deploymentId !== undefined) headers[HEADER.deployment] = error.deploymentId;
  // A refused oversized body is still arriving; closing stops us reading the rest.
  if (error.code === 'body_too_large') headers.connection = 'close';
  sendJson(exchange, error.status, toOpenAIErrorBody(shown), headers);
}
