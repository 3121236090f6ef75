import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatModel } from '../../src/spec/chat-model.js';
import type { ChatRequest } from '../../src/spec/chat-request.js';
import type { OutcomeClass } from '../../src/spec/outcome-class.js';
import type { StreamPart } from '../../src/spec/stream-part.js';
import { GatewayError } from '../../src/errors/gateway-error.js';
import { UpstreamPools } from '../../src/http/upstream-pools.js';
import { startFakeUpstream, type FakeReply, type FakeUpstream } from './fake-upstream.js';

/** Error kinds every adapter must map from its provider's real error responses. */
export const CONFORMANCE_ERRORS = [
  'auth',
  'not_found',
  'rate_limited',
  'context_overflow',
  'server_error',
  'overloaded',
  'content_filtered',
  'invalid_request',
] as const;
export type ConformanceError = (typeof CONFORMANCE_ERRORS)[number];

/** What each adapter supplies so the shared suite can drive it through a fake server. */
export interface ConformanceKit {
  provider: string;
  /** A ChatModel for one deployment whose upstream base URL is the fake server. */
  createModel(baseUrl: string, pools: UpstreamPools): ChatModel;
  /** A non-streaming answer with this text and usage, in the provider's wire format. */
  text(text: string, usage: { input: number; output: number }): FakeReply;
  /** A streamed answer whose text is `pieces` joined, ending normally, with usage. */
  textStream(pieces: string[], usage: { input: number; output: number }): FakeReply;
  /** A non-streaming answer that calls one tool. */
  toolCall(name: string, args: Record<string, unknown>): FakeReply;
  /** A streamed tool call whose JSON arguments arrive in several pieces. */
  toolCallStream(name: string, args: Record<string, unknown>): FakeReply;
  /** The provider's real error response for this kind (status, headers, body). */
  error(kind: ConformanceError, options?: { retryAfterSeconds?: number }): FakeReply;
}

const EXPECTED_OUTCOME: Record<ConformanceError, OutcomeClass> = {
  auth: 'auth',
  not_found: 'invalid_request',
  rate_limited: 'rate_limited',
  context_overflow: 'context_overflow',
  server_error: 'server_error',
  overloaded: 'overloaded',
  content_filtered: 'content_filtered',
  invalid_request: 'invalid_request',
};

const request: ChatRequest = {
  model: 'conformance',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Say hello.' },
  ],
  maxOutputTokens: 64,
};

const toolRequest: ChatRequest = {
  ...request,
  messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
  tools: [{ type: 'function', function: { name: 'get_weather', description: 'Weather by city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }],
};

async function collect(parts: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const out: StreamPart[] = [];
  for await (const part of parts) out.push(part);
  return out;
}

async function caught(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    return error as GatewayError;
  }
  throw new Error('expected the call to fail');
}

/** The suite every adapter passes: same requests, same expectations, each provider's own wire format. */
export function describeAdapterConformance(kit: ConformanceKit): void {
  describe(`adapter conformance: ${kit.provider}`, () => {
    let upstream: FakeUpstream;
    let pools: UpstreamPools;
    let model: ChatModel;

    beforeAll(async () => {
      upstream = await startFakeUpstream(() => ({ kind: 'text', status: 500, body: 'no handler' }));
      pools = new UpstreamPools({ connectTimeoutMs: 2000 });
      model = kit.createModel(upstream.url, pools);
    });
    afterAll(async () => {
      await pools.close();
      await upstream.close();
    });

    it('maps a text answer and its usage', async () => {
      upstream.setHandler(() => kit.text('Hello there.', { input: 12, output: 4 }));
      const response = await model.complete(request, {});
      expect(response.choices[0]?.message.content).toBe('Hello there.');
      expect(response.choices[0]?.finishReason).toBe('stop');
      expect(response.usage.inputTokens).toBe(12);
      expect(response.usage.outputTokens).toBe(4);
      expect(upstream.requests.at(-1)?.method).toBe('POST');
    });

    it('streams text deltas, a stop finish and usage', async () => {
      upstream.setHandler(() => kit.textStream(['Hel', 'lo ', 'there.'], { input: 12, output: 4 }));
      const parts = await collect(model.stream({ ...request, stream: true, includeUsage: true }, {}));
      const text = parts.flatMap((p) => (p.type === 'text-delta' ? [p.text] : [])).join('');
      expect(text).toBe('Hello there.');
      expect(parts.some((p) => p.type === 'finish' && p.finishReason === 'stop')).toBe(true);
      const usage = parts.find((p) => p.type === 'usage');
      expect(usage?.type === 'usage' && usage.usage.outputTokens).toBe(4);
    });

    it('maps a tool call', async () => {
      upstream.setHandler(() => kit.toolCall('get_weather', { city: 'Paris' }));
      const response = await model.complete(toolRequest, {});
      const call = response.choices[0]?.message.toolCalls?.[0];
      expect(call?.function.name).toBe('get_weather');
      expect(JSON.parse(call?.function.arguments ?? 'null')).toEqual({ city: 'Paris' });
      expect(response.choices[0]?.finishReason).toBe('tool_calls');
    });

    it('streams tool-call argument deltas that join into the arguments', async () => {
      upstream.setHandler(() => kit.toolCallStream('get_weather', { city: 'Paris' }));
      const parts = await collect(model.stream({ ...toolRequest, stream: true }, {}));
      const deltas = parts.filter((p) => p.type === 'tool-call-delta');
      expect(deltas[0]?.type === 'tool-call-delta' && deltas[0].name).toBe('get_weather');
      const args = deltas.map((p) => (p.type === 'tool-call-delta' ? p.argumentsDelta : '')).join('');
      expect(JSON.parse(args)).toEqual({ city: 'Paris' });
      expect(parts.some((p) => p.type === 'finish' && p.finishReason === 'tool_calls')).toBe(true);
    });

    for (const kind of CONFORMANCE_ERRORS) {
      it(`maps the provider's ${kind} error to outcome ${EXPECTED_OUTCOME[kind]}`, async () => {
        upstream.setHandler(() => kit.error(kind, { retryAfterSeconds: 7 }));
        const error = await caught(model.complete(request, {}));
        expect(error.outcome).toBe(EXPECTED_OUTCOME[kind]);
        if (kind === 'rate_limited') expect(error.retryAfterMs).toBe(7000);
        const streamed = await caught(collect(model.stream({ ...request, stream: true }, {})));
        expect(streamed.outcome).toBe(EXPECTED_OUTCOME[kind]);
      });
    }

    it('reports a reset connection as a network failure', async () => {
      upstream.setHandler(() => ({ kind: 'reset' }));
      const error = await caught(model.complete(request, {}));
      expect(error.outcome).toBe('network');
    });

    it('reports a malformed body as a bad upstream response', async () => {
      upstream.setHandler(() => ({ kind: 'text', status: 200, headers: { 'content-type': 'application/json' }, body: '{"truncated": ' }));
      const error = await caught(model.complete(request, {}));
      expect(error.code).toBe('upstream_bad_response');
    });

    it('enforces the first-token deadline on a silent upstream', async () => {
      upstream.setHandler(() => ({ kind: 'stall' }));
      const error = await caught(collect(model.stream({ ...request, stream: true }, { deadlines: { firstTokenMs: 150 } })));
      expect(error.code).toBe('first_token_timeout');
    });

    it('fails a stream cut mid-way after some content, never as a clean finish', async () => {
      const full = kit.textStream(['one ', 'two ', 'three ', 'four'], { input: 3, output: 4 });
      if (full.kind !== 'sse') throw new Error('textStream must reply with SSE');
      upstream.setHandler(() => ({ ...full, cutAfter: Math.max(2, full.events.length - 2) }));
      const seen: StreamPart[] = [];
      const error = await caught((async () => {
        for await (const part of model.stream({ ...request, stream: true }, {})) seen.push(part);
      })());
      expect(['network', 'server_error']).toContain(error.outcome);
      expect(seen.some((p) => p.type === 'finish' && p.finishReason === 'stop')).toBe(false);
    });

    it('enforces the idle deadline on a stream that stalls mid-way', async () => {
      const full = kit.textStream(['one ', 'two ', 'three ', 'four'], { input: 3, output: 4 });
      if (full.kind !== 'sse') throw new Error('textStream must reply with SSE');
      upstream.setHandler(() => ({ ...full, stallAfter: Math.max(2, full.events.length - 2) }));
      const error = await caught(collect(model.stream({ ...request, stream: true }, { deadlines: { idleMs: 150 } })));
      expect(error.code).toBe('idle_timeout');
    });

    it('stops the upstream call when the caller aborts', async () => {
      upstream.setHandler(() => ({ kind: 'stall' }));
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      const error = await caught(model.complete(request, { signal: controller.signal }));
      expect(error.code).toBe('client_closed');
    });
  });
}
