import { startFakeUpstream, type FakeReply, type FakeUpstream, type SeenRequest } from './fake-upstream.js';
import {
  authReply,
  completionBody,
  contentFilterReply,
  contextOverflowReply,
  overloadedReply,
  rateLimitedReply,
  serverErrorReply,
  streamEvents,
  type AnswerShape,
  type FaultUsage,
} from './fault-replies.js';
import { seededRandom } from './seeded-random.js';

/** Every way a fault upstream can misbehave on one request. */
export const FAULT_KINDS = [
  'rate_limited',
  'server_error',
  'overloaded',
  'context_overflow',
  'content_filter',
  'auth',
  'reset',
  'cut_before_first_token',
  'mid_stream_cut',
  'stall',
  'stall_after_first_token',
  'malformed_json',
  'malformed_sse',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];
export type ReplyKind = FaultKind | 'ok' | 'down' | 'storm';

export type LatencyDistribution =
  | { kind: 'fixed'; ms: number }
  | { kind: 'uniform'; minMs: number; maxMs: number }
  /** Heavy-tailed like real model latency: median and log-space spread, optionally capped. */
  | { kind: 'lognormal'; medianMs: number; sigma: number; maxMs?: number };

export interface FaultUpstreamOptions {
  seed?: number;
  /** Probability per request of each fault; what is left answers normally. */
  faults?: Partial<Record<FaultKind, number>>;
  /** Wait before the reply starts. */
  latency?: LatencyDistribution;
  /** Wait between stream chunks, ms. */
  chunkDelayMs?: number;
  /** What 429s ask the client to wait. */
  retryAfterMs?: number;
  /** Prompts longer than this (≈ 4 characters a token) get a context-length error. */
  contextWindowTokens?: number;
  /** The model name answers carry; defaults to the requested one. */
  model?: string;
  /** The answer text, split into stream pieces. */
  answer?: string[];
  /** Usage each answer reports; defaults to a count derived from the request. */
  usage?: FaultUsage | ((request: SeenRequest) => FaultUsage);
}

export interface FaultStats {
  requests: number;
  byKind: Record<ReplyKind, number>;
  /** Usage in answers that reached the client in full (what the upstream would bill). */
  reportedUsage: FaultUsage;
  /** Answers whose usage reached the client. */
  usageReports: number;
}

export interface FaultUpstream {
  url: string;
  requests: SeenRequest[];
  /** Replaces some options (fault rates, latency, ...) from now on. */
  configure(options: Partial<FaultUpstreamOptions>): void;
  /** Forces the next requests to fail in this order before the random faults apply again. */
  enqueue(...kinds: Array<FaultKind | 'ok'>): void;
  /** Fully down: every connection is reset without an answer. */
  setDown(down: boolean): void;
  /** Every request gets a 429 with retry-after until `endStorm` (or `durationMs`). */
  startStorm(options?: { retryAfterMs?: number; durationMs?: number }): void;
  endStorm(): void;
  stats(): FaultStats;
  close(): Promise<void>;
}

interface Delivered {
  request: SeenRequest;
  usage: FaultUsage;
}

/** A fake OpenAI-compatible upstream that fails on purpose, reproducibly from its seed. */
export async function startFaultUpstream(initial: FaultUpstreamOptions = {}): Promise<FaultUpstream> {
  let options: FaultUpstreamOptions = { ...initial };
  const random = seededRandom(options.seed ?? 1);
  const scripted: Array<FaultKind | 'ok'> = [];
  const byKind = Object.fromEntries([...FAULT_KINDS, 'ok', 'down', 'storm'].map((kind) => [kind, 0])) as Record<ReplyKind, number>;
  const delivered: Delivered[] = [];
  let down = false;
  let storm: { retryAfterMs: number; until: number } | undefined;
  let counter = 0;

  const pick = (): ReplyKind => {
    if (down) return 'down';
    if (storm !== undefined && Date.now() < storm.until) return 'storm';
    const forced = scripted.shift();
    if (forced !== undefined) return forced;
    const draw = random();
    let edge = 0;
    for (const kind of FAULT_KINDS) {
      edge += options.faults?.[kind] ?? 0;
      if (draw < edge) return kind;
    }
    return 'ok';
  };

  const handler = async (request: SeenRequest): Promise<FakeReply> => {
    const kind = pick();
    byKind[kind] += 1;
    // Latency is drawn even for faults so that the random sequence does not depend on timing.
    const wait = sampleLatency(options.latency, random);
    if (kind === 'down') return { kind: 'reset' };
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const body = (request.json ?? {}) as { model?: string; stream?: boolean; messages?: unknown; stream_options?: { include_usage?: boolean } };
    const promptTokens = Math.ceil(JSON.stringify(body.messages ?? '').length / 4);
    if (kind === 'ok' && options.contextWindowTokens !== undefined && promptTokens > options.contextWindowTokens) {
      byKind.ok -= 1;
      byKind.context_overflow += 1;
      return contextOverflowReply(options.contextWindowTokens, promptTokens);
    }
    counter += 1;
    const usage = typeof options.usage === 'function' ? options.usage(request) : (options.usage ?? { inputTokens: promptTokens, outputTokens: 5 });
    const answer: AnswerShape = {
      id: `chatcmpl-fault-${counter}`,
      model: options.model ?? body.model ?? 'fault-model',
      created: 1_700_000_000 + counter,
      pieces: options.answer ?? ['Hello', ' from', ' the', ' fault', ' upstream.'],
      usage,
      includeUsage: body.stream_options?.include_usage === true,
    };
    const streaming = body.stream === true;
    const reply = replyFor(kind, answer, streaming, options);
    const usageSent = kind === 'ok' && (!streaming || answer.includeUsage);
    if (usageSent) delivered.push({ request, usage });
    return reply;
  };

  const upstream: FakeUpstream = await startFakeUpstream(handler);
  return {
    url: upstream.url,
    requests: upstream.requests,
    configure(next) {
      options = { ...options, ...next };
    },
    enqueue(...kinds) {
      scripted.push(...kinds);
    },
    setDown(value) {
      down = value;
    },
    startStorm(stormOptions = {}) {
      storm = { retryAfterMs: stormOptions.retryAfterMs ?? options.retryAfterMs ?? 1_000, until: Date.now() + (stormOptions.durationMs ?? Number.POSITIVE_INFINITY) };
    },
    endStorm() {
      storm = undefined;
    },
    stats() {
      const reportedUsage: FaultUsage = { inputTokens: 0, outputTokens: 0 };
      let usageReports = 0;
      for (const entry of delivered) {
        // A client that hung up early never received the usage at the end of the answer.
        if (entry.request.aborted) continue;
        reportedUsage.inputTokens += entry.usage.inputTokens;
        reportedUsage.outputTokens += entry.usage.outputTokens;
        usageReports += 1;
      }
      return { requests: upstream.requests.length, byKind: { ...byKind }, reportedUsage, usageReports };
    },
    close: () => upstream.close(),
  };

  function replyFor(kind: ReplyKind, answer: AnswerShape, streaming: boolean, current: FaultUpstreamOptions): FakeReply {
    const events = streamEvents(answer);
    const delayMs = current.chunkDelayMs ?? 0;
    switch (kind) {
      case 'ok':
        return streaming ? { kind: 'sse', events, delayMs } : { kind: 'json', body: completionBody(answer) };
      case 'storm':
        return rateLimitedReply(storm?.retryAfterMs ?? 1_000);
      case 'rate_limited':
        return rateLimitedReply(current.retryAfterMs ?? 1_000);
      case 'server_error':
        return serverErrorReply();
      case 'overloaded':
        return overloadedReply();
      case 'context_overflow':
        return contextOverflowReply(current.contextWindowTokens ?? 8_192, (current.contextWindowTokens ?? 8_192) + 1_000);
      case 'content_filter':
        return contentFilterReply();
      case 'auth':
        return authReply();
      case 'down':
      case 'reset':
        return { kind: 'reset' };
      case 'stall':
        return { kind: 'stall' };
      case 'cut_before_first_token':
        return streaming ? { kind: 'sse', events, delayMs, cutAfter: 1 } : { kind: 'reset' };
      case 'mid_stream_cut':
        // After the role chunk and two content pieces: the client has its first token.
        // The pause lets the first chunks reach the client before the socket is destroyed.
        return streaming ? { kind: 'sse', events, delayMs, cutAfter: 3, cutDelayMs: 50 } : { kind: 'reset' };
      case 'stall_after_first_token':
        return streaming ? { kind: 'sse', events, delayMs, stallAfter: 2 } : { kind: 'stall' };
      case 'malformed_json':
      case 'malformed_sse':
        return streaming
          ? { kind: 'sse', events: [{ data: `{"id":"${answer.id}","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hel` }, { data: '[DONE]' }] }
          : { kind: 'text', headers: { 'content-type': 'application/json' }, body: `{"id":"${answer.id}","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Hel` };
    }
  }
}

export function sampleLatency(distribution: LatencyDistribution | undefined, random: () => number): number {
  if (distribution === undefined) return 0;
  switch (distribution.kind) {
    case 'fixed':
      return distribution.ms;
    case 'uniform':
      return distribution.minMs + random() * (distribution.maxMs - distribution.minMs);
    case 'lognormal': {
      // Box-Muller: a standard normal from two uniforms.
      const u = Math.max(random(), Number.EPSILON);
      const v = random();
      const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
      const value = distribution.medianMs * Math.exp(distribution.sigma * normal);
      return distribution.maxMs === undefined ? value : Math.min(distribution.maxMs, value);
    }
  }
}
