import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Gateway, RequestContext } from '../engine/gateway.js';

/** One HTTP request on its way through the server; hooks read and annotate it. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  /** The path without the query string. */
  path: string;
  requestId: string;
  /** What the engine gets; hooks may fill `principal`. */
  context: RequestContext;
  gateway: Gateway;
  /** `performance.now()` when the request arrived. */
  startedAt: number;
  /** Filled as the response is decided, for `onResponse` hooks. */
  status?: number;
  deploymentId?: string;
  decisionId?: string;
  costUsd?: number;
  errorCode?: string;
}

/**
 * Later middleware (auth, metrics, logs) plugs in here. With no hooks registered, the server
 * skips the calls entirely, so the hot path pays nothing for them.
 */
export interface ServerHooks {
  /** Before the endpoint runs; may throw a GatewayError (e.g. 401) or set `context.principal`. */
  onRequest?: ReadonlyArray<(exchange: Exchange) => void | Promise<void>>;
  /** After the response has ended (or the client went away). Must not throw. */
  onResponse?: ReadonlyArray<(exchange: Exchange) => void>;
}

export type EndpointHandler = (exchange: Exchange) => Promise<void>;
