import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What a fake upstream saw of one request. */
export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
  /** Set when the client closed the connection before the reply ended. */
  aborted: boolean;
}

/** How a fake upstream answers one request. */
export type FakeReply =
  | { kind: 'json'; status?: number; headers?: Record<string, string>; body: unknown }
  | { kind: 'text'; status?: number; headers?: Record<string, string>; body: string }
  /** Server-sent events; `data` objects are JSON-encoded, strings written as-is. */
  | {
      kind: 'sse';
      status?: number;
      headers?: Record<string, string>;
      events: Array<{ event?: string; data: unknown }>;
      /** Delay before each event, ms. */
      delayMs?: number;
      /** Destroy the socket after this many events (a mid-stream cut). */
      cutAfter?: number;
      /** Wait this long before the cut, so that the events sent so far reach the client first. */
      cutDelayMs?: number;
      /** Stop sending after this many events and hold the connection open (a stall). */
      stallAfter?: number;
    }
  /** Accept the request and never answer. */
  | { kind: 'stall' }
  /** Destroy the socket without answering. */
  | { kind: 'reset' };

export type FakeHandler = (request: SeenRequest) => FakeReply | Promise<FakeReply>;

export interface FakeUpstream {
  /** `http://127.0.0.1:PORT` */
  url: string;
  requests: SeenRequest[];
  /** Replace the handler between tests. */
  setHandler(handler: FakeHandler): void;
  close(): Promise<void>;
}

/** A local HTTP server that speaks whatever wire format its handler writes. */
export async function startFakeUpstream(handler: FakeHandler): Promise<FakeUpstream> {
  let current = handler;
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();

  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (chunk: Buffer) => parts.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(parts).toString('utf8');
      let json: unknown;
      try {
        json = body.length > 0 ? JSON.parse(body) : undefined;
      } catch {
        json = undefined;
      }
      const seen: SeenRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body, json, aborted: false };
      requests.push(seen);
      res.on('close', () => {
        if (!res.writableFinished) seen.aborted = true;
      });
      Promise.resolve(current(seen))
        .then((reply) => writeReply(res, reply))
        .catch((error: unknown) => {
          res.statusCode = 500;
          res.end(String(error));
        });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setHandler(next) {
      current = next;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function writeReply(res: ServerResponse, reply: FakeReply): Promise<void> {
  switch (reply.kind) {
    case 'json':
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
      res.end(JSON.stringify(reply.body));
      return;
    case 'text':
      res.writeHead(reply.status ?? 200, { 'content-type': 'text/plain', ...reply.headers });
      res.end(reply.body);
      return;
    case 'stall':
      return;
    case 'reset':
      res.socket?.destroy();
      return;
    case 'sse': {
      res.writeHead(reply.status ?? 200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...reply.headers });
      res.flushHeaders();
      let sent = 0;
      for (const event of reply.events) {
        if (reply.cutAfter !== undefined && sent >= reply.cutAfter) {
          if (reply.cutDelayMs) await new Promise((resolve) => setTimeout(resolve, reply.cutDelayMs));
          res.socket?.destroy();
          return;
        }
        if (reply.stallAfter !== undefined && sent >= reply.stallAfter) return;
        if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
        if (res.destroyed) return;
        const data = typeof event.data === 'string' ? event.data : JSON.stringify(event.data);
        res.write(`${event.event !== undefined ? `event: ${event.event}\n` : ''}data: ${data}\n\n`);
        sent += 1;
      }
      if (reply.cutAfter !== undefined && sent >= reply.cutAfter) {
        res.socket?.destroy();
        return;
      }
      res.end();
      return;
    }
  }
}
