import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/errors/gateway-error.js';
import { UpstreamPools } from '../../src/http/upstream-pools.js';
import { DEFAULT_QUIRKS, OpenAICompatibleChatModel } from '../../src/providers/openai-compatible/index.js';
import type { ChatRequest } from '../../src/spec/chat-request.js';
import type { StreamPart } from '../../src/spec/stream-part.js';
import { startFaultUpstream, type FaultKind, type FaultUpstream } from './fault-upstream.js';

const request: ChatRequest = { model: 'auto', messages: [{ role: 'user', content: 'Say hello.' }] };

describe('startFaultUpstream', () => {
  let upstream: FaultUpstream;
  let pools: UpstreamPools;
  let model: OpenAICompatibleChatModel;

  beforeAll(async () => {
    upstream = await startFaultUpstream({ seed: 7, retryAfterMs: 1_500, usage: { inputTokens: 11, outputTokens: 5 } });
    pools = new UpstreamPools();
    model = new OpenAICompatibleChatModel(
      { deploymentId: 'fault/model', model: 'fault-model', baseUrl: `${upstream.url}/v1`, apiKey: 'sk-test', authStyle: 'bearer', path: { kind: 'standard' }, quirks: DEFAULT_QUIRKS },
      pools,
    );
  });
  afterAll(async () => {
    await pools.close();
    await upstream.close();
  });
  afterEach(() => {
    upstream.configure({ faults: {}, latency: undefined, chunkDelayMs: 0, contextWindowTokens: undefined });
    upstream.setDown(false);
    upstream.endStorm();
  });

  async function failureOf(promise: Promise<unknown>): Promise<GatewayError> {
    const caught: unknown = await promise.then(() => undefined, (error: unknown) => error);
    expect(caught).toBeInstanceOf(GatewayError);
    return caught as GatewayError;
  }

  async function collect(parts: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
    const out: StreamPart[] = [];
    for await (const part of parts) out.push(part);
    return out;
  }

  it('answers in the OpenAI wire format when no fault is drawn', async () => {
    const answer = await model.complete(request, {});
    expect(answer.choices[0]?.message.content).toBe('Hello from the fault upstream.');
    expect(answer.usage).toMatchObject({ inputTokens: 11, outputTokens: 5 });
    const parts = await collect(model.stream(request, {}));
    expect(parts.filter((p) => p.type === 'text-delta').length).toBe(5);
    expect(parts.at(-1)).toEqual({ type: 'usage', usage: expect.objectContaining({ inputTokens: 11, outputTokens: 5 }) });
  });

  it.each<[FaultKind, string, Partial<GatewayError>?]>([
    ['rate_limited', 'rate_limited', { retryAfterMs: 1_500, upstreamStatus: 429 }],
    ['server_error', 'upstream_server_error', { upstreamStatus: 500 }],
    ['overloaded', 'overloaded', { upstreamStatus: 503 }],
    ['context_overflow', 'context_length_exceeded'],
    ['content_filter', 'content_filtered'],
    ['auth', 'upstream_auth'],
    ['reset', 'network_error'],
    ['malformed_json', 'upstream_bad_response'],
  ])('%s is seen by the adapter as %s', async (kind, code, extra) => {
    upstream.enqueue(kind);
    const error = await failureOf(model.complete(request, {}));
    expect(error.code).toBe(code);
    if (extra !== undefined) expect(error).toMatchObject(extra);
  });

  it.each<[FaultKind, string, number]>([
    ['cut_before_first_token', 'network_error', 0],
    ['mid_stream_cut', 'network_error', 2],
    ['malformed_sse', 'upstream_bad_response', 0],
  ])('streaming %s fails with %s after %i text parts', async (kind, code, texts) => {
    upstream.enqueue(kind);
    const seen: StreamPart[] = [];
    const error = await failureOf(
      (async () => {
        for await (const part of model.stream(request, {})) seen.push(part);
      })(),
    );
    expect(error.code).toBe(code);
    expect(seen.filter((p) => p.type === 'text-delta')).toHaveLength(texts);
  });

  it('stalls before and after the first token until the deadlines fire', async () => {
    upstream.enqueue('stall');
    expect((await failureOf(model.complete(request, { deadlines: { firstTokenMs: 100 } }))).code).toBe('first_token_timeout');
    upstream.enqueue('stall_after_first_token');
    const seen: StreamPart[] = [];
    const error = await failureOf(
      (async () => {
        for await (const part of model.stream(request, { deadlines: { idleMs: 100 } })) seen.push(part);
      })(),
    );
    expect(error.code).toBe('idle_timeout');
    expect(seen.some((p) => p.type === 'text-delta')).toBe(true);
  });

  it('draws faults at the configured rates, reproducibly from the seed', async () => {
    const a = await startFaultUpstream({ seed: 42, faults: { server_error: 0.2, rate_limited: 0.1 } });
    const b = await startFaultUpstream({ seed: 42, faults: { server_error: 0.2, rate_limited: 0.1 } });
    try {
      const statuses = async (url: string) => {
        const out: number[] = [];
        for (let i = 0; i < 100; i += 1) {
          const response = await fetch(`${url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', messages: [] }) });
          await response.arrayBuffer();
          out.push(response.status);
        }
        return out;
      };
      const first = await statuses(a.url);
      expect(await statuses(b.url)).toEqual(first);
      const errors = first.filter((s) => s === 500).length;
      const limited = first.filter((s) => s === 429).length;
      expect(errors).toBeGreaterThan(8);
      expect(errors).toBeLessThan(35);
      expect(limited).toBeGreaterThan(2);
      expect(limited).toBeLessThan(20);
      expect(a.stats().byKind).toMatchObject({ server_error: errors, rate_limited: limited, ok: 100 - errors - limited });
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('storms with 429s and goes fully down on demand', async () => {
    upstream.startStorm({ retryAfterMs: 2_000 });
    const limited = await failureOf(model.complete(request, {}));
    expect(limited).toMatchObject({ code: 'rate_limited', retryAfterMs: 2_000 });
    upstream.endStorm();
    upstream.setDown(true);
    expect((await failureOf(model.complete(request, {}))).code).toBe('network_error');
    upstream.setDown(false);
    await expect(model.complete(request, {})).resolves.toBeDefined();
  });

  it('answers prompts longer than its window with a context-length error', async () => {
    upstream.configure({ contextWindowTokens: 50 });
    const long: ChatRequest = { model: 'auto', messages: [{ role: 'user', content: 'x'.repeat(400) }] };
    expect((await failureOf(model.complete(long, {}))).code).toBe('context_length_exceeded');
    await expect(model.complete(request, {})).resolves.toBeDefined();
  });

  it('totals the usage that reached the client in full', async () => {
    const fresh = await startFaultUpstream({ usage: { inputTokens: 3, outputTokens: 4 }, chunkDelayMs: 20 });
    const local = new OpenAICompatibleChatModel(
      { deploymentId: 'fault/fresh', model: 'm', baseUrl: `${fresh.url}/v1`, authStyle: 'none', path: { kind: 'standard' }, quirks: DEFAULT_QUIRKS },
      pools,
    );
    try {
      await local.complete(request, {});
      await collect(local.stream(request, {}));
      fresh.enqueue('server_error');
      await local.complete(request, {}).catch(() => undefined);
      const controller = new AbortController();
      for await (const part of local.stream(request, { signal: controller.signal })) {
        if (part.type === 'text-delta') break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(fresh.stats()).toMatchObject({ usageReports: 2, reportedUsage: { inputTokens: 6, outputTokens: 8 } });
    } finally {
      await fresh.close();
    }
  });

  it('samples latency from a distribution', async () => {
    upstream.configure({ latency: { kind: 'fixed', ms: 150 } });
    const started = performance.now();
    await model.complete(request, {});
    // Only a lower bound: the reply cannot come before the injected delay.
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });
});
