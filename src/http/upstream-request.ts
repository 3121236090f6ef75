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
  const call = new UpstreamCall(request, targetOf(request.url));
  const options: Dispatcher.RequestOptions = {
    origin: call.url.origin,
    path: call.url.path,
    method: request.method ?? 'POST',
    headers: request.headers,
    signal: call.upstreamAbort,
  };
  if (request.body !== undefined) options.body = request.body;
  let response: Dispatcher.ResponseData;
  try {
    response = await pools.get(call.url.origin).request(options);
  } catch (error) {
    call.cleanup();
    throw call.toError(error);
  }
  call.received(response);
  return call;
}

const NO_DEADLINES: Deadlines = Object.freeze({});
/** Until the headers arrive; never seen by a caller, who gets the call only then. */
const NO_HEADERS: UpstreamResponse['headers'] = Object.freeze({});

function expireTotal(call: UpstreamCall): void {
  call.expire('total');
}

function expireFirstToken(call: UpstreamCall): void {
  call.expire('first_token');
}

function expireIdle(call: UpstreamCall): void {
  call.expire('idle');
}

function judge(call: UpstreamCall): void {
  call.judged();
}

/**
 * One upstream call's state, and the response handed back for it. A class with its timers'
 * callbacks at module level rather than a dozen closures over one call's variables: every
 * request makes one, and the closures, their shared context and the returned object literal
 * were most of what `sendUpstream` allocated.
 */
class UpstreamCall implements UpstreamResponse {
  readonly upstreamAbort = new UpstreamAbort();
  status = 0;
  headers: UpstreamResponse['headers'] = NO_HEADERS;
  private readonly deadlines: Deadlines;
  private cause: AbortCause | undefined;
  /** A fired deadline waiting one turn of I/O before it aborts (see `expire`). */
  private judging: AbortCause | undefined;
  private judgeHandle: NodeJS.Immediate | undefined;
  private readonly totalTimer: NodeJS.Timeout | undefined;
  private phaseTimer: NodeJS.Timeout | undefined;
  private body: Dispatcher.ResponseData['body'] | undefined;
  private readonly onCallerAbort: (() => void) | undefined;

  constructor(
    private readonly request: UpstreamRequest,
    readonly url: Target,
  ) {
    if (request.signal?.aborted) this.abort('caller');
    // Without `{ once: true }`, which Node copies into an options object of its own on every
    // call; abort fires once anyway, and `cleanup` removes the listener.
    if (request.signal !== undefined) {
      this.onCallerAbort = (): void => this.abort('caller');
      request.signal.addEventListener('abort', this.onCallerAbort);
    }
    const deadlines = request.deadlines ?? NO_DEADLINES;
    this.deadlines = deadlines;
    this.totalTimer = deadlines.totalMs !== undefined ? setTimeout(expireTotal, deadlines.totalMs, this) : undefined;
    this.phaseTimer = deadlines.firstTokenMs !== undefined ? setTimeout(expireFirstToken, deadlines.firstTokenMs, this) : undefined;
  }

  private abort(why: AbortCause): void {
    if (this.cause !== undefined) return;
    this.cause = why;
    this.upstreamAbort.abort();
  }

  /**
   * A busy event loop runs due timers before it reads sockets, so a deadline can fire while the
   * bytes that meet it are already waiting: the upstream answered (and bills for it), and we
   * would throw the answer away. A fired deadline is judged after one turn of I/O instead, and
   * progress seen in that turn cancels it.
   */
  expire(why: AbortCause): void {
    if (this.judging !== undefined) return;
    this.judging = why;
    this.judgeHandle = setImmediate(judge, this);
  }

  judged(): void {
    const why = this.judging;
    this.judging = undefined;
    this.judgeHandle = undefined;
    if (why !== undefined) this.abort(why);
  }

  private progressed(): void {
    if (this.judging === undefined || this.judging === 'total') return;
    clearImmediate(this.judgeHandle);
    this.judging = undefined;
    this.judgeHandle = undefined;
  }

  cleanup(): void {
    if (this.totalTimer !== undefined) clearTimeout(this.totalTimer);
    if (this.phaseTimer !== undefined) clearTimeout(this.phaseTimer);
    if (this.judging !== undefined) clearImmediate(this.judgeHandle);
    this.judging = undefined;
    this.judgeHandle = undefined;
    if (this.onCallerAbort !== undefined) this.request.signal?.removeEventListener('abort', this.onCallerAbort);
  }

  toError(error: unknown): GatewayError {
    const { deploymentId } = this.request;
    const { cause, deadlines, url } = this;
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
  }

  received(response: Dispatcher.ResponseData): void {
    this.status = response.statusCode;
    this.headers = response.headers;
    this.body = response.body;
  }

  private resetIdle(): void {
    this.progressed();
    if (this.phaseTimer !== undefined) clearTimeout(this.phaseTimer);
    this.phaseTimer = this.deadlines.idleMs !== undefined ? setTimeout(expireIdle, this.deadlines.idleMs, this) : undefined;
  }

  async text(): Promise<string> {
    // Headers have arrived: for a whole-body answer that meets the first-token deadline.
    this.progressed();
    if (this.phaseTimer !== undefined) clearTimeout(this.phaseTimer);
    try {
      return await (this.body as Dispatcher.ResponseData['body']).text();
    } catch (error) {
      throw this.toError(error);
    } finally {
      this.cleanup();
    }
  }

  async *chunks(): AsyncIterable<Uint8Array> {
    const body = this.body as Dispatcher.ResponseData['body'];
    try {
      for await (const chunk of body) {
        this.resetIdle();
        yield chunk as Uint8Array;
      }
      // undici ends the iterator quietly when we aborted it; that is still a failure.
      if (this.cause !== undefined) throw this.toError(new Error('aborted'));
    } catch (error) {
      throw this.toError(error);
    } finally {
      this.cleanup();
      if (!body.destroyed) body.destroy();
    }
  }

  cancel(): void {
    this.cleanup();
    const body = this.body as Dispatcher.ResponseData['body'];
    if (!body.destroyed) body.destroy();
  }
}
