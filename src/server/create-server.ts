import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { GatewayError } from '../errors/gateway-error.js';
import type { Gateway } from '../engine/gateway.js';
import type { EndpointHandler, Exchange, ServerHooks } from './exchange.js';
import { handleChatCompletions } from './handle-chat-completions.js';
import { handleEmbeddings } from './handle-embeddings.js';
import { handleHealth, handleReady } from './handle-health.js';
import { handleModel, handleModels } from './handle-models.js';
import { handleRoute } from './handle-route.js';
import { sendError } from './send-response.js';
import { timeOrderedUuid } from '../engine/time-ordered-uuid.js';

export interface ServerOptions {
  /** Largest accepted request body in bytes (default 4 MiB). */
  maxBodyBytes?: number;
  hooks?: ServerHooks;
  /** Told about every failure answered with a 5xx (for the log); never about 4xx. */
  onServerError?(error: unknown, exchange: Exchange): void;
  /** Keep-alive timeout of idle client connections, ms. */
  keepAliveTimeoutMs?: number;
  /**
   * More endpoints by exact path (metrics, admin, dashboard); they cannot replace the built-in
   * ones. A path ending in `/*` takes every longer path under it (`/admin/keys/*`).
   */
  routes?: Readonly<Record<string, Partial<Record<string, EndpointHandler>>>>;
}

export interface SwitchyardServer {
  readonly http: Server;
  /** Swaps the gateway for requests that arrive from now on (config reload); requests in flight finish on the old one. */
  setGateway(gateway: Gateway): void;
  listen(port: number, host?: string): Promise<{ url: string; port: number }>;
  /** Stops accepting, lets requests in flight finish for up to `graceMs`, then cuts what is left. */
  close(graceMs?: number): Promise<void>;
}

type Routes = Map<string, Partial<Record<string, EndpointHandler>>>;

const REQUEST_ID = /^[\w.:-]{1,128}$/;

function buildRoutes(maxBodyBytes: number): Routes {
  return new Map<string, Partial<Record<string, EndpointHandler>>>([
    ['/v1/chat/completions', { POST: (e) => handleChatCompletions(e, maxBodyBytes) }],
    ['/v1/embeddings', { POST: (e) => handleEmbeddings(e, maxBodyBytes) }],
    ['/v1/route', { POST: (e) => handleRoute(e, maxBodyBytes) }],
    ['/v1/models', { GET: handleModels }],
    ['/healthz', { GET: handleHealth }],
    ['/readyz', { GET: handleReady }],
  ]);
}

const MODEL_PREFIX = '/v1/models/';

/** The HTTP server on plain `node:http`: a fixed route table, no framework on the hot path. */
export function createServer(initialGateway: Gateway, options: ServerOptions = {}): SwitchyardServer {
  let gateway = initialGateway;
  const routes = buildRoutes(options.maxBodyBytes ?? 4 * 1024 * 1024);
  const prefixes: Array<[string, Partial<Record<string, EndpointHandler>>]> = [];
  for (const [path, methods] of Object.entries(options.routes ?? {})) {
    if (path.endsWith('/*')) prefixes.push([path.slice(0, -1), methods]);
    else if (!routes.has(path)) routes.set(path, methods);
  }
  const onRequest = options.hooks?.onRequest?.length ? options.hooks.onRequest : undefined;
  const onResponse = options.hooks?.onResponse?.length ? options.hooks.onResponse : undefined;
  const sockets = new Set<Socket>();

  const resolveHandler = (method: string, path: string): EndpointHandler => {
    const methods = routes.get(path);
    if (methods !== undefined) {
      const handler = methods[method];
      if (handler !== undefined) return handler;
      const allow = Object.keys(methods).join(', ');
      return () => Promise.reject(new GatewayError('method_not_allowed', `${method} is not allowed on ${path}; use ${allow}.`));
    }
    for (const [prefix, methods] of prefixes) {
      if (!path.startsWith(prefix) || path.length === prefix.length) continue;
      const handler = methods[method];
      if (handler !== undefined) return handler;
      return () => Promise.reject(new GatewayError('method_not_allowed', `${method} is not allowed on ${path}; use ${Object.keys(methods).join(', ')}.`));
    }
    if (path.startsWith(MODEL_PREFIX) && path.length > MODEL_PREFIX.length) {
      if (method !== 'GET') return () => Promise.reject(new GatewayError('method_not_allowed', `${method} is not allowed on ${path}; use GET.`));
      let id: string;
      try {
        id = decodeURIComponent(path.slice(MODEL_PREFIX.length));
      } catch {
        return () => Promise.reject(new GatewayError('not_found', `No endpoint ${method} ${path}: the model id is not valid percent-encoding.`));
      }
      return (e) => handleModel(e, id);
    }
    return () => Promise.reject(new GatewayError('not_found', `No endpoint ${method} ${path}.`));
  };

  const handle = async (exchange: Exchange): Promise<void> => {
    try {
      if (onRequest !== undefined) for (const hook of onRequest) await hook(exchange);
      await resolveHandler(exchange.method, exchange.path)(exchange);
    } catch (error) {
      const typed = error instanceof GatewayError ? error : undefined;
      if ((typed === undefined || typed.status >= 500) && options.onServerError) options.onServerError(error, exchange);
      try {
        sendError(exchange, error);
      } catch {
        exchange.res.destroy();
      }
    }
  };

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const incomingId = req.headers['x-request-id'];
    const requestId = typeof incomingId === 'string' && REQUEST_ID.test(incomingId) ? incomingId : timeOrderedUuid();
    const exchange: Exchange = {
      req,
      res,
      method: req.method ?? 'GET',
      path: query === -1 ? url : url.slice(0, query),
      requestId,
      context: { requestId },
      gateway,
      startedAt: performance.now(),
    };
    if (onResponse !== undefined) {
      res.once('close', () => {
        for (const hook of onResponse) {
          try {
            hook(exchange);
          } catch {
            // A broken hook must not take the process down; it has its own logging.
          }
        }
      });
    }
    void handle(exchange);
  };

  const http = createHttpServer({ keepAliveTimeout: options.keepAliveTimeoutMs ?? 5_000 }, listener);
  http.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  // A malformed request line or header never reaches the listener; answer it and move on.
  http.on('clientError', (_error, socket: Socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });

  return {
    http,
    setGateway(next) {
      gateway = next;
    },
    listen(port, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(port, host, () => {
          http.off('error', reject);
          const address = http.address() as AddressInfo;
          const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve({ url: `http://${shownHost}:${address.port}`, port: address.port });
        });
      });
    },
    close(graceMs = 10_000) {
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          for (const socket of sockets) socket.destroy();
        }, graceMs);
        timer.unref();
        http.close(() => {
          clearTimeout(timer);
          resolve();
        });
        http.closeIdleConnections();
      });
    },
  };
}

export interface StartServerOptions extends ServerOptions {
  port?: number;
  host?: string;
}

/** Creates and listens; resolves with the server and its URL. */
export async function startServer(gateway: Gateway, options: StartServerOptions = {}): Promise<SwitchyardServer & { url: string; port: number }> {
  const server = createServer(gateway, options);
  const { url, port } = await server.listen(options.port ?? 4000, options.host ?? '127.0.0.1');
  return Object.assign(server, { url, port });
}
