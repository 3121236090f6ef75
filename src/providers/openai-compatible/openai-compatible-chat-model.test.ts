import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../spec/chat-request.js';
import type { StreamPart } from '../../spec/stream-part.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { UpstreamPools } from '../../http/upstream-pools.js';
import { startFakeUpstream, type FakeUpstream } from '../../../test/support/fake-upstream.js';
import { loadFixtureChunks, loadFixtureJson } from '../../../test/support/fixtures.js';
import { DEFAULT_QUIRKS, type OpenAICompatibleConfig } from './openai-compatible-config.js';
import { OpenAICompatibleChatModel } from './openai-compatible-chat-model.js';

const request: ChatRequest = { model: 'auto', messages: [{ role: 'user', content: 'Invent a holiday.' }] };

async function collect(parts: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const out: StreamPart[] = [];
  for await (const part of parts) out.push(part);
  return out;
}

async function failure(promise: Promise<unknown>): Promise<GatewayError> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(GatewayError);
  return error as GatewayError;
}

function sseOf(fixture: string, done = true) {
  const events: Array<{ data: unknown }> = loadFixtureChunks(`providers/openai/${fixture}`).map((data) => ({ data }));
  if (done) events.push({ data: '[DONE]' });
  return { kind: 'sse' as const, events };
}

describe('OpenAICompatibleChatModel against recorded OpenAI and Azure answers', () => {
  let upstream: FakeUpstream;
  let pools: UpstreamPools;
  let model: OpenAICompatibleChatModel;

  beforeAll(async () => {
    upstream = await startFakeUpstream(() => ({ kind: 'text', status: 500, body: 'no handler' }));
    pools = new UpstreamPools();
    const config: OpenAICompatibleConfig = {
      deploymentId: 'openai/gpt-4.1-nano',
      model: 'gpt-4.1-nano',
      baseUrl: `${upstream.url}/v1`,
      apiKey: 'sk-secret-key-that-must-not-leak',
      authStyle: 'bearer',
      path: { kind: 'standard' },
      quirks: DEFAULT_QUIRKS,
    };
    model = new OpenAICompatibleChatModel(config, pools);
  });
  afterAll(async () => {
    await pools.close();
    await upstream.close();
  });

  it('maps openai-text.json: content, finish, usage, id, model, fingerprint', async () => {
    upstream.setHandler(() => ({ kind: 'json', body: loadFixtureJson('providers/openai/openai-text.json') }));
    const response = await model.complete(request, {});
    expect(response.id).toBe('chatcmpl-D8Z5f52zQqikDBEKQMQoYcWMcWPeU');
    expect(response.model).toBe('gpt-4.1-nano-2025-04-14');
    expect(response.created).toBe(1770933883);
    expect(response.systemFingerprint).toBe('fp_de604bd877');
    expect(response.choices).toHaveLength(1);
    expect(response.choices[0]?.message.content).toMatch(/^\*\*Holiday Name:\*\* Galaxy Day/);
    expect(response.choices[0]?.message.refusal).toBeUndefined();
    expect(response.choices[0]?.finishReason).toBe('stop');
    expect(response.usage).toEqual({ inputTokens: 16, outputTokens: 363, cachedInputTokens: 0, reasoningTokens: 0 });
    const seen = upstream.requests.at(-1);
    expect(seen?.path).toBe('/v1/chat/completions');
    expect(seen?.headers.authorization).toBe('Bearer sk-secret-key-that-must-not-leak');
    expect(seen?.headers['content-type']).toBe('application/json');
  });

  it('replays openai-text.chunks.txt into text deltas, one finish and usage after it', async () => {
    upstream.setHandler(() => sseOf('openai-text.chunks.txt'));
    const parts = await collect(model.stream({ ...request, stream: true }, {}));
    expect(parts[0]).toEqual({ type: 'start', id: 'chatcmpl-D8Z5oo6uDh67AD85p73ksdT1KxhE0', model: 'gpt-4.1-nano-2025-04-14', created: 1770933892 });
    const text = parts.flatMap((part) => (part.type === 'text-delta' ? [part.text] : [])).join('');
    expect(text.startsWith('**Holiday Name:** Harmony Day')).toBe(true);
    expect(text.endsWith('shared human experiences and mutual respect.')).toBe(true);
    expect(parts.filter((part) => part.type === 'finish')).toEqual([{ type: 'finish', choiceIndex: 0, finishReason: 'stop' }]);
    expect(parts.at(-1)).toEqual({ type: 'usage', usage: { inputTokens: 16, outputTokens: 300, cachedInputTokens: 0, reasoningTokens: 0 } });
    expect(parts.at(-2)?.type).toBe('finish');
    expect(upstream.requests.at(-1)?.json).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(upstream.requests.at(-1)?.headers.accept).toBe('text/event-stream');
  });

  it('tolerates the Azure model-router stream: empty first chunk, content filter fields, reasoning usage', async () => {
    upstream.setHandler(() => sseOf('azure-model-router.1.chunks.txt'));
    const parts = await collect(model.stream({ ...request, stream: true }, {}));
    expect(parts[0]).toEqual({ type: 'start', id: 'chatcmpl-CYPS1lijGoK8gd9lYzY3r9Sx50nbt', model: 'gpt-5-nano-2025-08-07', created: 1762317021 });
    expect(parts.filter((part) => part.type === 'start')).toHaveLength(1);
    const text = parts.flatMap((part) => (part.type === 'text-delta' ? [part.text] : [])).join('');
    expect(text).toBe('Capital of Denmark.');
    expect(parts.some((part) => part.type === 'refusal-delta')).toBe(false);
    expect(parts.find((part) => part.type === 'finish')).toEqual({ type: 'finish', choiceIndex: 0, finishReason: 'stop' });
    expect(parts.at(-1)).toEqual({ type: 'usage', usage: { inputTokens: 15, outputTokens: 78, cachedInputTokens: 0, reasoningTokens: 64 } });
  });

  it('fails a stream that ends without [DONE] and without a finish reason', async () => {
    const full = sseOf('openai-text.chunks.txt', false);
    // Keep the first ten content chunks and end the body cleanly: no finish, no [DONE].
    upstream.setHandler(() => ({ ...full, events: full.events.slice(0, 10) }));
    const seen: StreamPart[] = [];
    const error = await failure(
      (async () => {
        for await (const part of model.stream({ ...request, stream: true }, {})) seen.push(part);
      })(),
    );
    expect(error.code).toBe('network_error');
    expect(error.message).toContain('without [DONE]');
    expect(seen.some((part) => part.type === 'text-delta')).toBe(true);
    expect(seen.some((part) => part.type === 'finish')).toBe(false);
  });

  it('accepts a clean end after a finish reason even without [DONE]', async () => {
    upstream.setHandler(() => sseOf('azure-model-router.1.chunks.txt', false));
    const parts = await collect(model.stream({ ...request, stream: true }, {}));
    expect(parts.some((part) => part.type === 'finish' && part.finishReason === 'stop')).toBe(true);
  });

  it('turns an error object inside the stream into a typed error after the content before it', async () => {
    upstream.setHandler(() => sseOf('switchyard-stream-error.chunks.txt', false));
    const seen: StreamPart[] = [];
    const error = await failure(
      (async () => {
        for await (const part of model.stream({ ...request, stream: true }, {})) seen.push(part);
      })(),
    );
    expect(error.code).toBe('upstream_server_error');
    expect(error.outcome).toBe('server_error');
    expect(error.message).toContain('The server had an error');
    expect(seen.filter((part) => part.type === 'text-delta')).toEqual([{ type: 'text-delta', choiceIndex: 0, text: 'Partial' }]);
  });

  it('maps openai-embedding.json in input order with usage', async () => {
    upstream.setHandler(() => ({ kind: 'json', body: loadFixtureJson('providers/openai/openai-embedding.json') }));
    const response = await model.embed({ model: 'auto', input: ['sunny day at the beach', 'rainy day in the city'] }, {});
    expect(response.model).toBe('text-embedding-3-small');
    expect(response.embeddings).toHaveLength(2);
    expect(response.embeddings[0]?.[0]).toBeCloseTo(0.0057293195, 9);
    expect(response.embeddings[1]?.[4]).toBeCloseTo(-0.0035253682, 9);
    expect(response.usage).toEqual({ inputTokens: 12 });
    const seen = upstream.requests.at(-1);
    expect(seen?.path).toBe('/v1/embeddings');
    expect(seen?.json).toEqual({ model: 'gpt-4.1-nano', input: ['sunny day at the beach', 'rainy day in the city'] });
  });

  it('decodes base64 embeddings and restores input order', async () => {
    const encode = (values: number[]) => {
      const bytes = Buffer.alloc(values.length * 4);
      values.forEach((value, i) => bytes.writeFloatLE(value, i * 4));
      return bytes.toString('base64');
    };
    upstream.setHandler(() => ({
      kind: 'json',
      body: {
        object: 'list',
        model: 'text-embedding-3-small',
        data: [
          { object: 'embedding', index: 1, embedding: encode([0.5, -0.25]) },
          { object: 'embedding', index: 0, embedding: encode([1, 2]) },
        ],
        usage: { prompt_tokens: 4, total_tokens: 4 },
      },
    }));
    const response = await model.embed({ model: 'auto', input: ['a', 'b'], encodingFormat: 'base64' }, {});
    expect(response.embeddings).toEqual([[1, 2], [0.5, -0.25]]);
    expect(upstream.requests.at(-1)?.json).toMatchObject({ encoding_format: 'base64' });
  });

  it('maps reasoning-model-legacy-parameter-error.json to an invalid request naming the parameter', async () => {
    upstream.setHandler(() => ({ kind: 'json', status: 400, body: loadFixtureJson('providers/openai/reasoning-model-legacy-parameter-error.json') }));
    const error = await failure(model.complete(request, {}));
    expect(error.code).toBe('upstream_invalid_request');
    expect(error.outcome).toBe('invalid_request');
    expect(error.retryable).toBe(false);
    expect(error.param).toBe('max_tokens');
    expect(error.upstreamStatus).toBe(400);
    expect(error.deploymentId).toBe('openai/gpt-4.1-nano');
    expect(error.message).toContain("Unsupported parameter: 'max_tokens' is not supported with this model.");
  });

  it('never puts the API key into an error message, even when the upstream echoes it', async () => {
    upstream.setHandler(() => ({ kind: 'json', status: 401, body: { error: { message: 'Incorrect API key provided: sk-secret-key-that-must-not-leak.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } } }));
    const error = await failure(model.complete(request, {}));
    expect(error.code).toBe('upstream_auth');
    expect(error.message).not.toContain('sk-secret-key-that-must-not-leak');
    expect(error.message).toContain('[redacted]');
  });

  it('treats a 200 answer that does not match the wire format as a bad upstream response', async () => {
    upstream.setHandler(() => ({ kind: 'json', body: { id: 'x', choices: 'none' } }));
    const error = await failure(model.complete(request, {}));
    expect(error.code).toBe('upstream_bad_response');
    expect(error.retryable).toBe(true);
  });

  it('turns a whole JSON answer to a stream request into stream parts', async () => {
    upstream.setHandler(() => ({ kind: 'json', body: loadFixtureJson('providers/openai/openai-text.json') }));
    const parts = await collect(model.stream({ ...request, stream: true }, {}));
    expect(parts.map((part) => part.type)).toEqual(['start', 'text-delta', 'finish', 'usage']);
    expect(parts[1]?.type === 'text-delta' && parts[1].text).toMatch(/^\*\*Holiday Name:\*\* Galaxy Day/);
    expect(parts[3]).toEqual({ type: 'usage', usage: { inputTokens: 16, outputTokens: 363, cachedInputTokens: 0, reasoningTokens: 0 } });
  });

  it('maps an error answered as JSON to a stream request', async () => {
    upstream.setHandler(() => ({ kind: 'json', status: 429, headers: { 'retry-after-ms': '1500' }, body: loadFixtureJson('providers/openai/switchyard-error-rate-limited.json') }));
    const error = await failure(collect(model.stream({ ...request, stream: true }, {})));
    expect(error.code).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(1500);
  });
});

describe('OpenAICompatibleChatModel connection reuse', () => {
  it('keeps the pooled connection after a stream that ends with [DONE]', async () => {
    let connections = 0;
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(`data: ${JSON.stringify({ id: 'a', choices: [{ index: 0, delta: { content: 'x' }, finish_reason: null }] })}\n\n`);
        res.write(`data: ${JSON.stringify({ id: 'a', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`);
        res.write('data: [DONE]\n\n');
        // The body ends a moment after [DONE], as it does when the terminator arrives in its own packet.
        setTimeout(() => res.end(), 20);
      });
    });
    server.on('connection', () => {
      connections += 1;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const pools = new UpstreamPools();
    try {
      const model = new OpenAICompatibleChatModel(
        { deploymentId: 'local/m', model: 'm', baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, authStyle: 'none', path: { kind: 'standard' }, quirks: DEFAULT_QUIRKS },
        pools,
      );
      for (let i = 0; i < 6; i += 1) {
        const parts = await collect(model.stream(request, {}));
        expect(parts.some((part) => part.type === 'finish')).toBe(true);
      }
      // undici may open a second socket while the first is being released; cutting the body
      // after [DONE] instead would cost a new connection on every call.
      expect(connections).toBeLessThanOrEqual(2);
    } finally {
      await pools.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
