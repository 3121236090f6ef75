import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../../src/spec/chat-request.js';
import type { StreamPart } from '../../../src/spec/stream-part.js';
import { GatewayError } from '../../../src/errors/gateway-error.js';
import { UpstreamPools } from '../../../src/http/upstream-pools.js';
import { GeminiChatModel } from '../../../src/providers/gemini/gemini-chat-model.js';
import { startFakeUpstream, type FakeReply, type FakeUpstream } from '../../support/fake-upstream.js';
import { loadFixtureChunks, loadFixtureJson } from '../../support/fixtures.js';

const request: ChatRequest = { model: 'gemini', messages: [{ role: 'user', content: 'How many r are in strawberry?' }] };
const NOW = Date.UTC(2026, 0, 2, 3, 4, 5);

function json(name: string, status = 200, headers: Record<string, string> = {}): FakeReply {
  return { kind: 'json', status, headers, body: loadFixtureJson(`providers/gemini/${name}`) };
}

function sse(name: string): FakeReply {
  return { kind: 'sse', events: loadFixtureChunks(`providers/gemini/${name}`).map((data) => ({ data })) };
}

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

const text = (parts: StreamPart[]) => parts.flatMap((p) => (p.type === 'text-delta' ? [p.text] : [])).join('');
const finishes = (parts: StreamPart[]) => parts.flatMap((p) => (p.type === 'finish' ? [p.finishReason] : []));
const usageOf = (parts: StreamPart[]) => parts.flatMap((p) => (p.type === 'usage' ? [p.usage] : []));

describe('gemini adapter replaying recorded responses', () => {
  let upstream: FakeUpstream;
  let pools: UpstreamPools;
  let model: GeminiChatModel;

  beforeAll(async () => {
    upstream = await startFakeUpstream(() => ({ kind: 'text', status: 500, body: 'no handler' }));
    pools = new UpstreamPools();
    model = new GeminiChatModel({ deploymentId: 'gemini/test', model: 'gemini-3-pro-preview', baseUrl: upstream.url, apiKey: 'secret-key-123', pools, now: () => NOW });
  });
  afterAll(async () => {
    await pools.close();
    await upstream.close();
  });

  it('google-text.json: text, stop, usage with thoughts counted as output', async () => {
    upstream.setHandler(() => json('google-text.json'));
    const response = await model.complete(request, {});
    expect(response.id).toBe('Un6LacrVMcjUxs0PmJfWoQc');
    expect(response.model).toBe('gemini-3-pro-preview');
    expect(response.created).toBe(Math.floor(NOW / 1000));
    expect(response.choices).toHaveLength(1);
    expect(response.choices[0]?.message.content).toBe("There are **3** r's in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.");
    expect(response.choices[0]?.message.toolCalls).toBeUndefined();
    expect(response.choices[0]?.finishReason).toBe('stop');
    expect(response.usage).toEqual({ inputTokens: 9, outputTokens: 28 + 244, reasoningTokens: 244 });
  });

  it('google-reasoning.json: hidden thinking shows only in the token counts', async () => {
    upstream.setHandler(() => json('google-reasoning.json'));
    const response = await model.complete(request, {});
    expect(response.choices[0]?.message.content).toBe('There are **3** "r"s in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.');
    expect(response.choices[0]?.message.reasoning).toBeUndefined();
    expect(response.usage).toEqual({ inputTokens: 9, outputTokens: 29 + 282, reasoningTokens: 282 });
  });

  it('google-tool-call.json: a function call becomes a tool call with a derived id', async () => {
    upstream.setHandler(() => json('google-tool-call.json'));
    const response = await model.complete(request, {});
    const choice = response.choices[0];
    expect(choice?.message.content).toBeNull();
    expect(choice?.message.toolCalls).toEqual([
      { id: 'call_m36LaZGyCLz1xs0PtNSB-QU_0', type: 'function', function: { name: 'weather', arguments: '{"location":"San Francisco"}' } },
    ]);
    expect(choice?.finishReason).toBe('tool_calls');
    expect(response.usage).toEqual({ inputTokens: 29, outputTokens: 15 + 893, reasoningTokens: 893 });
  });

  it('google-text.chunks.txt: start, text deltas, stop and the last usage', async () => {
    upstream.setHandler(() => sse('google-text.chunks.txt'));
    const parts = await collect(model.stream({ ...request, stream: true }, {}));
    expect(parts[0]).toEqual({ type: 'start', id: 'bH6LaZW8Fp_3nsEPqtaSwQ4', model: 'gemini-3-pro-preview', created: Math.floor(NOW / 1000) });
    expect(text(parts)).toBe('There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y');
    // The closing event's empty text part carries only a thought signature: no empty delta.
    expect(parts.filter((p) => p.type === 'text-delta')).toHaveLength(2);
    expect(finishes(parts)).toEqual(['stop']);
    expect(usageOf(parts)).toEqual([{ inputTokens: 9, outputTokens: 23 + 185, reasoningTokens: 185 }]);
    expect(parts.at(-1)?.type).toBe('usage');
  });

  it('google-reasoning.chunks.txt: text and usage', async () => {
    upstream.setHandler(() => sse('google-reasoning.chunks.txt'));
    const parts = await collect(model.stream({ ...request, stream: true }, {}));
    expect(text(parts)).toBe('There are **3** "r"s in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.');
    expect(finishes(parts)).toEqual(['stop']);
    expect(usageOf(parts)).toEqual([{ inputTokens: 9, outputTokens: 29 + 256, reasoningTokens: 256 }]);
  });

  it('google-tool-call.chunks.txt: a whole streamed call, then tool_calls', async () => {
    upstream.setHandler(() => sse('google-tool-call.chunks.txt'));
    const parts = await collect(model.stream({ ...request, stream: true }, {}));
    const deltas = parts.filter((p) => p.type === 'tool-call-delta');
    expect(deltas).toEqual([
      { type: 'tool-call-delta', choiceIndex: 0, toolIndex: 0, id: 'call_b36LacjwM668nsEP2tbsgQQ_0', name: 'weather', argumentsDelta: '{"location":"San Francisco"}' },
    ]);
    expect(finishes(parts)).toEqual(['tool_calls']);
    expect(text(parts)).toBe('');
  });

  it('google-stream-tool-call-arguments.chunks.txt: two calls whose arguments arrive in pieces', async () => {
    upstream.setHandler(() => sse('google-stream-tool-call-arguments.chunks.txt'));
    const parts = await collect(model.stream({ ...request, stream: true }, {}));
    const deltas = parts.filter((p) => p.type === 'tool-call-delta');
    expect(deltas).toEqual([
      { type: 'tool-call-delta', choiceIndex: 0, toolIndex: 0, id: 'call_dqHOab6xGLzWodAPkPuViA4_0', name: 'getWeather', argumentsDelta: '{"location":"Boston"}' },
      { type: 'tool-call-delta', choiceIndex: 0, toolIndex: 1, id: 'call_dqHOab6xGLzWodAPkPuViA4_1', name: 'getWeather', argumentsDelta: '{"location":"San Francisco"}' },
    ]);
    expect(finishes(parts)).toEqual(['tool_calls']);
    expect(parts.findIndex((p) => p.type === 'finish')).toBeGreaterThan(parts.lastIndexOf(deltas[1] as StreamPart));
    // Early events carry usageMetadata with only trafficType; the counts come from the last one.
    expect(usageOf(parts)).toEqual([{ inputTokens: 26, outputTokens: 23 + 132, reasoningTokens: 132 }]);
  });

  it('a stream cut in the middle of streamed arguments fails without handing out a half-built call', async () => {
    upstream.setHandler(() => ({ ...sse('google-stream-tool-call-arguments.chunks.txt'), cutAfter: 2 }));
    const seen: StreamPart[] = [];
    const error = await caught((async () => {
      for await (const part of model.stream({ ...request, stream: true }, {})) seen.push(part);
    })());
    expect(['network', 'server_error']).toContain(error.outcome);
    expect(seen.filter((p) => p.type === 'tool-call-delta')).toEqual([]);
    expect(finishes(seen)).toEqual([]);
  });

  it('switchyard-safety-finish.chunks.txt: a filtered answer finishes with content_filter, not an error', async () => {
    upstream.setHandler(() => sse('switchyard-safety-finish.chunks.txt'));
    const parts = await collect(model.stream({ ...request, stream: true }, {}));
    expect(text(parts)).toBe('Here is how you');
    expect(finishes(parts)).toEqual(['content_filter']);
  });

  it('switchyard-prompt-blocked.json and .chunks.txt: a blocked prompt is content_filtered', async () => {
    upstream.setHandler(() => json('switchyard-prompt-blocked.json'));
    const error = await caught(model.complete(request, {}));
    expect(error.code).toBe('content_filtered');
    expect(error.outcome).toBe('content_filtered');
    expect(error.message).toContain('SAFETY');
    expect(error.deploymentId).toBe('gemini/test');

    upstream.setHandler(() => sse('switchyard-prompt-blocked.chunks.txt'));
    const seen: StreamPart[] = [];
    const streamed = await caught((async () => {
      for await (const part of model.stream({ ...request, stream: true }, {})) seen.push(part);
    })());
    expect(streamed.code).toBe('content_filtered');
    expect(streamed.message).toContain('PROHIBITED_CONTENT');
    expect(seen).toEqual([]);
  });

  it('google-429-retry-info.json: rate_limited with the RetryInfo delay', async () => {
    upstream.setHandler(() => json('google-429-retry-info.json', 429));
    const error = await caught(model.complete(request, {}));
    expect(error.code).toBe('rate_limited');
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(34_400);
    expect(error.upstreamStatus).toBe(429);
    expect(error.message).toContain('You exceeded your current quota');
  });

  it('a 429 without RetryInfo falls back to the retry-after header', async () => {
    upstream.setHandler(() => ({ kind: 'json', status: 429, headers: { 'retry-after': '12' }, body: { error: { code: 429, message: 'Resource has been exhausted (e.g. check quota).', status: 'RESOURCE_EXHAUSTED' } } }));
    const error = await caught(model.complete(request, {}));
    expect(error.code).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(12_000);
  });

  const errorCases: Array<[string, number, string, string]> = [
    ['switchyard-400-context-length.json', 400, 'context_length_exceeded', 'context_overflow'],
    ['switchyard-400-api-key-invalid.json', 400, 'upstream_auth', 'auth'],
    ['switchyard-400-invalid-argument.json', 400, 'upstream_invalid_request', 'invalid_request'],
    ['switchyard-403-permission-denied.json', 403, 'upstream_auth', 'auth'],
    ['switchyard-404-model.json', 404, 'upstream_not_found', 'invalid_request'],
    ['switchyard-500-internal.json', 500, 'upstream_server_error', 'server_error'],
    ['switchyard-503-unavailable.json', 503, 'overloaded', 'overloaded'],
    ['switchyard-504-deadline.json', 504, 'upstream_server_error', 'server_error'],
  ];
  for (const [fixture, status, code, outcome] of errorCases) {
    it(`${fixture}: ${code}, streamed or not`, async () => {
      upstream.setHandler(() => json(fixture, status));
      const error = await caught(model.complete(request, {}));
      expect(error.code).toBe(code);
      expect(error.outcome).toBe(outcome);
      expect(error.upstreamStatus).toBe(status);
      expect(error.message).toContain('gemini/test');
      expect(error.message).not.toContain('secret-key-123');
      const streamed = await caught(collect(model.stream({ ...request, stream: true }, {})));
      expect(streamed.code).toBe(code);
    });
  }

  it('an error object inside a 200 stream is raised as a typed error', async () => {
    const first = loadFixtureChunks('providers/gemini/google-text.chunks.txt')[0];
    upstream.setHandler(() => ({ kind: 'sse', events: [{ data: first }, { data: loadFixtureJson('providers/gemini/switchyard-503-unavailable.json') }] }));
    const seen: StreamPart[] = [];
    const error = await caught((async () => {
      for await (const part of model.stream({ ...request, stream: true }, {})) seen.push(part);
    })());
    expect(error.code).toBe('overloaded');
    expect(text(seen)).toBe('There are **3**');
    expect(finishes(seen)).toEqual([]);
  });

  it('a stream that ends cleanly without any finish reason is a typed failure', async () => {
    const chunks = loadFixtureChunks('providers/gemini/google-text.chunks.txt').slice(0, 2);
    upstream.setHandler(() => ({ kind: 'sse', events: chunks.map((data) => ({ data })) }));
    const seen: StreamPart[] = [];
    const error = await caught((async () => {
      for await (const part of model.stream({ ...request, stream: true }, {})) seen.push(part);
    })());
    expect(error.code).toBe('upstream_bad_response');
    expect(error.outcome).toBe('server_error');
    expect(finishes(seen)).toEqual([]);
    expect(usageOf(seen)).toEqual([]);
  });

  it('reads the JSON-array form of streamGenerateContent', async () => {
    upstream.setHandler(() => ({ kind: 'json', body: loadFixtureChunks('providers/gemini/google-text.chunks.txt') }));
    const parts = await collect(model.stream({ ...request, stream: true }, {}));
    expect(text(parts)).toBe('There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y');
    expect(finishes(parts)).toEqual(['stop']);
  });

  it('switchyard-batch-embed.json: one vector per input, in order', async () => {
    upstream.setHandler(() => json('switchyard-batch-embed.json'));
    const response = await model.embed({ model: 'embed', input: ['first text', 'second'], dimensions: 4 }, {});
    expect(response.embeddings).toEqual([
      [0.0132, -0.0087, 0.0241, -0.0019],
      [-0.0045, 0.0311, 0.0007, 0.0178],
    ]);
    expect(response.usage.inputTokens).toBe(Math.ceil('first textsecond'.length / 4));
    const seen = upstream.requests.at(-1);
    expect(seen?.path).toBe('/models/gemini-3-pro-preview:batchEmbedContents');
    expect(seen?.headers['x-goog-api-key']).toBe('secret-key-123');
    expect(seen?.json).toEqual({
      requests: [
        { model: 'models/gemini-3-pro-preview', content: { parts: [{ text: 'first text' }] }, outputDimensionality: 4 },
        { model: 'models/gemini-3-pro-preview', content: { parts: [{ text: 'second' }] }, outputDimensionality: 4 },
      ],
    });
  });

  it('an embeddings answer with the wrong number of vectors is a bad response', async () => {
    upstream.setHandler(() => json('switchyard-batch-embed.json'));
    const error = await caught(model.embed({ model: 'embed', input: ['only one'] }, {}));
    expect(error.code).toBe('upstream_bad_response');
  });
});
