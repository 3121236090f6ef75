import type { Dispatcher } from 'undici';
import type { Deadlines } from '../spec/chat-model.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { ErrorCode } from '../errors/error-codes.js';
import { UpstreamAbort } from './upstream-abort.js';
import type { UpstreamPools } from './upstream-pools.js';

export interface UpstreamRequest {
  url: string;
  method?: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  deadlines?: Deadlines;
  /** For error messages and error attribution. */
  deploymentId?: string;
}

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The whole body as text (for JSON answers and error bodies). */
  text(): Promise<string>;
  /**
   * The body as chunks, with the first-token and idle deadlines applied between chunks. Any
   * failure while reading is thrown as a typed GatewayError.
   */
  chunks(): AsyncIterable<Uint8Array>;
  /** Releases the connection without reading the rest. */
  cancel(): void;
}

type AbortCause = 'caller' | 'first_token' | 'idle' | 'total';

const CAUSE_CODES: Record<Exclude<AbortCause, 'caller'>, ErrorCode> = {
  first_token: 'first_token_timeout',
  idle: 'idle_timeout',
  total: 'total_timeout',
};

interface Target {
  origin: string;
  host: string;
  path: string;
}

/*
 * A deployment calls the same one or two URLs on every request; parsing them with `new URL`
 * each time was 0.5 % of busy samples at c=32. Parsed targets are kept, oldest dropped first
 * past the bound (URLs carry no secrets: keys travel in headers).
 */
const TARGETS_KEPT = 256;
const targets = new Map<string, Target>();

function targetOf(href: string): Target {
  let target = targets.get(href);
  if (target === undefined) {
    const url = new URL(href);
    target = { origin: url.origin, host: url.host, path: `${url.pathname}${url.search}` };
    if (targets.size >= TARGETS_KEPT) {
      const oldest = targets.keys().next();
      if (oldest.done !== true) targets.delete(oldest.value);
    }
    targets.set(href, target);
  }
  return target;
}

/**
 * Sends one upstream request through the origin's pool and returns once headers arrive.
 * Deadlines are enforced with our own timers so each breach surfaces as its own error code.
 */
export async function sendUpstream(pools: UpstreamPools, request: UpstreamRequest): Promise<UpstreamResponse> {
  const url = targetOf(request.url);
  const upstreamAbort = new UpstreamAbort();
  let cause: AbortCause | undefined;
  const abort = (why: AbortCause): void => {
    if (cause !== undefined) return;
    cause = why;
    upstreamAbort.abort();
  };

  const onCallerAbort = (): void => abort('caller');
  if (request.signal?.aborted) abort('caller');
  request.signal?.addEventListener('abort', onCallerAbort, { once: true });

  // A busy event loop runs due timers before it reads sockets, so a deadline can fire while the
  // bytes that meet it are already waiting: the upstream answered (and bills for it), and we
  // would throw the answer away. A fired deadline is judged after one turn of I/O instead, and
  // progress seen in that turn cancels it.
  let judging: { why: AbortCause; handle: NodeJS.Immediate } | undefined;
  const expire = (why: AbortCause): void => {
    if (judging !== undefined) return;
    judging = {
      why,
      handle: setImmediate(() => {
        judging = undefined;
        abort(why);
      }),
    };
  };
  const progressed = (): void => {
    if (judging === undefined || judging.why === 'total') return;
    clearImmediate(judging.handle);
    judging = undefined;
  };

  const deadlines = request.deadlines ?? {};
  const totalTimer = deadlines.totalMs !== undefined ? setTimeout(() => expire('total'), deadlines.totalMs) : undefined;
  let phaseTimer = deadlines.firstTokenMs !== undefined ? setTimeout(() => expire('first_token'), deadlines.firstTokenMs) : undefined;

  const cleanup = (): void => {
    if (totalTimer !== undefined) clearTimeout(totalTimer);
    if (phaseTimer !== undefined) clearTimeout(phaseTimer);
    if (judging !== undefined) clearImmediate(judging.handle);
    judging = undefined;
    request.signal?.removeEventListener('abort', onCallerAbort);
  };

  const toError = (error: unknown): GatewayError => {
    const deploymentId = request.deploymentId;
    if (error instanceof GatewayError) return error;
    if (cause === 'caller') return new GatewayError('client_closed', 'The request was aborted.', { cause: error, deploymentId });
    if (cause !== undefined) {
      const limit = cause === 'total' ? deadlines.totalMs : cause === 'idle' ? deadlines.idleMs : deadlines.firstTokenMs;
      return new GatewayError(CAUSE_CODES[cause], `${deploymentId ?? url.host}: ${cause.replace('_', '-')} deadline of ${limit} ms passed.`, { cause: error, deploymentId });
    }
    const code = (error as { code?: string } | undefined)?.code;
    if (code === 'UND_ERR_CONNECT_TIMEOUT') {
      return new GatewayError('connect_timeout', `${deploymentId ?? url.host}: connecting to ${url.host} timed out.`, { cause: error, deploymentId });
    }
    const message = error instanceof Error ? error.message : String(error);
    return new GatewayError('network_error', `${deploymentId ?? url.host}: ${message}`, { cause: error, deploymentId });
  };

  let response: Dispatcher.ResponseData;
  try {
    const options: Dispatcher.RequestOptions = {
      origin: url.origin,
      path: url.path,
      method: request.method ?? 'POST',
      headers: request.headers,
      signal: upstreamAbort,
    };
    if (request.body !== undefined) options.body = request.body;
    response = await pools.get(url.origin).request(options);
  } catch (error) {
    cleanup();
    throw toError(error);
  }

  const body = response.body;
  const resetIdle = (): void => {
    progressed();
    if (phaseTimer !== undefined) clearTimeout(phaseTimer);
    phaseTimer = deadlines.idleMs !== undefined ? setTimeout(() => expire('idle'), deadlines.idleMs) : undefined;
  };

  return {
    status: response.statusCode,
    headers: response.headers,
    async text() {
      // Headers have arrived: for a whole-body answer that meets the first-token deadline.
      progressed();
      if (phaseTimer !== undefined) clearTimeout(phaseTimer);
      try {
        return await body.text();
      } catch (error) {
        throw toError(error);
      } finally {
        cleanup();
      }
    },
    async *chunks() {
      try {
        for await (const chunk of body) {
          resetIdle();
          yield chunk as Uint8Array;
        }
        // undici ends the iterator quietly when we aborted it; that is still a failure.
        if (cause !== undefined) throw toError(new Error('aborted'));
      } catch (error) {
        throw toError(error);
      } finally {
        cleanup();
        if (!body.destroyed) body.destroy();
      }
    },
    cancel() {
      cleanup();
      if (!body.destroyed) body.destroy();
    },
  };
}
