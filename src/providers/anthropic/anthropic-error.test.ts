import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatModel } from '../../spec/chat-model.js';
import type { ChatRequest } from '../../spec/chat-request.js';
import type { StreamPart } from '../../spec/stream-part.js';
import { GatewayError } from '../../errors/gateway-error.js';
import type { ErrorCode } from '../../errors/error-codes.js';
import { UpstreamPools } from '../../http/upstream-pools.js';
import { startFakeUpstream, type FakeReply, type FakeUpstream } from '../../../test/support/fake-upstream.js';
import { loadFixtureJson } from '../../../test/support/fixtures.js';
import { anthropicProvider } from './anthropic-provider.js';
import { mapAnthropicError } from './anthropic-error.js';

const API_KEY = 'sk-ant-secret-0123456789';
const request: ChatRequest = { model: 'x', messages: [{ role: 'user', content: 'Hi' }] };

async function failure(promise: Promise<unknown>): Promise<GatewayError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(GatewayError);
  return error as GatewayError;
}

describe('anthropic adapter: errors', () => {
  let upstream: FakeUpstream;
  let pools: UpstreamPools;
  let model: ChatModel;

  beforeAll(async () => {
    upstream = await startFakeUpstream(() => ({ kind: 'text', status: 500, body: 'no handler' }));
    pools = new UpstreamPools();
    model = anthropicProvider.create({ deploymentId: 'anthropic/errors', model: 'claude-sonnet-4-5', baseUrl: `${upstream.url}/v1`, apiKey: API_KEY, pools });
  });
  afterAll(async () => {
    await pools.close();
    await upstream.close();
  });

  async function streamed(): Promise<{ error: GatewayError; parts: StreamPart[] }> {
    const parts: StreamPart[] = [];
    const error = await failure((async () => {
      for await (const part of model.stream({ ...request, stream: true }, {})) parts.push(part);
    })());
    return { error, parts };
  }

  it.each<[number, string, ErrorCode, string]>([
    [400, 'switchyard-error-invalid-request.json', 'upstream_invalid_request', 'invalid_request'],
    [400, 'switchyard-error-prompt-too-long.json', 'context_length_exceeded', 'context_overflow'],
    [400, 'switchyard-error-content-filtered.json', 'content_filtered', 'content_filtered'],
    [401, 'switchyard-error-authentication.json', 'upstream_auth', 'auth'],
    [403, 'switchyard-error-permission.json', 'upstream_auth', 'auth'],
    [404, 'switchyard-error-not-found.json', 'upstream_not_found', 'invalid_request'],
    [413, 'switchyard-error-request-too-large.json', 'upstream_invalid_request', 'invalid_request'],
    [429, 'switchyard-error-rate-limit.json', 'rate_limited', 'rate_limited'],
    [500, 'switchyard-error-api.json', 'upstream_server_error', 'server_error'],
    [529, 'switchyard-error-overloaded.json', 'overloaded', 'overloaded'],
  ])('HTTP %i %s -> %s', async (status, fixture, code, outcome) => {
    const body = loadFixtureJson(`providers/anthropic/${fixture}`) as { error: { message: string } };
    upstream.setHandler(() => ({ kind: 'json', status, headers: { 'retry-after': '3' }, body }));
    const error = await failure(model.complete(request, {}));
    expect(error.code).toBe(code);
    expect(error.outcome).toBe(outcome);
    expect(error.upstreamStatus).toBe(status);
    expect(error.deploymentId).toBe('anthropic/errors');
    expect(error.message).toContain(body.error.message);
    expect(error.retryAfterMs).toBe(code === 'rate_limited' || code === 'overloaded' ? 3000 : undefined);
    const { error: fromStream, parts } = await streamed();
    expect(fromStream.code).toBe(code);
    expect(parts).toEqual([]);
  });

  it('maps a non-JSON error page by its status and keeps a preview', async () => {
    upstream.setHandler(() => ({ kind: 'text', status: 502, body: '<html><body>502 Bad Gateway</body></html>' }));
    const error = await failure(model.complete(request, {}));
    expect(error.code).toBe('upstream_server_error');
    expect(error.message).toContain('502 Bad Gateway');
    upstream.setHandler(() => ({ kind: 'text', status: 503, body: 'upstream connect error' }));
    expect((await failure(model.complete(request, {}))).code).toBe('overloaded');
  });

  it('never puts the API key in an error message, even when the upstream echoes it', async () => {
    upstream.setHandler(() => ({ kind: 'json', status: 401, body: { type: 'error', error: { type: 'authentication_error', message: `invalid x-api-key: ${API_KEY}` } } }));
    const error = await failure(model.complete(request, {}));
    expect(error.message).not.toContain(API_KEY);
    expect(error.message).toContain('[redacted]');
  });

  it.each<[string, ErrorCode]>([
    ['overloaded_error', 'overloaded'],
    ['rate_limit_error', 'rate_limited'],
    ['api_error', 'upstream_server_error'],
    ['some_future_error', 'upstream_server_error'],
  ])('maps an in-stream %s event after content to %s', async (type, code) => {
    upstream.setHandler((): FakeReply => ({
      kind: 'sse',
      events: [
        { type: 'message_start', message: { id: 'msg_1', model: 'claude-sonnet-4-5', usage: { input_tokens: 5, output_tokens: 1 } } },
        { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Partial' } },
        { type: 'error', error: { type, message: 'Something went wrong' } },
      ].map((data) => ({ event: data.type, data })),
    }));
    const { error, parts } = await streamed();
    expect(error.code).toBe(code);
    expect(error.upstreamStatus).toBeUndefined();
    expect(parts.some((p) => p.type === 'text-delta' && p.text === 'Partial')).toBe(true);
    expect(parts.some((p) => p.type === 'finish')).toBe(false);
  });

  it('fails a stream that starts a second, different message', async () => {
    const start = (id: string) => ({ type: 'message_start', message: { id, model: 'claude-sonnet-4-5', usage: { input_tokens: 5, output_tokens: 1 } } });
    upstream.setHandler((): FakeReply => ({
      kind: 'sse',
      events: [start('msg_a'), { type: 'content_block_start', index: 0, content_block: { type: 'text', text: 'A' } }, start('msg_b'), { type: 'message_stop' }]
        .map((data) => ({ event: data.type, data })),
    }));
    const { error } = await streamed();
    expect(error.code).toBe('upstream_bad_response');
    expect(error.message).toMatch(/msg_b/);
  });

  it('fails a stream whose event is not JSON', async () => {
    upstream.setHandler((): FakeReply => ({ kind: 'sse', events: [{ event: 'message_start', data: '{"type":"message_start",' }] }));
    expect((await streamed()).error.code).toBe('upstream_bad_response');
  });

  it('skips unknown event types', async () => {
    upstream.setHandler((): FakeReply => ({
      kind: 'sse',
      events: [
        { type: 'message_start', message: { id: 'msg_1', model: 'm', usage: { input_tokens: 5, output_tokens: 1 } } },
        { type: 'future_event', payload: 1 },
        { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'ok' } },
        { type: 'content_block_stop', index: 0 },
        { type: 'message_delta', delta: { stop_reason: 'pause_turn' }, usage: { output_tokens: 2 } },
        { type: 'message_stop' },
      ].map((data) => ({ event: data.type, data })),
    }));
    const parts: StreamPart[] = [];
    for await (const part of model.stream({ ...request, stream: true }, {})) parts.push(part);
    expect(parts.map((p) => p.type)).toEqual(['start', 'text-delta', 'finish', 'usage']);
    expect(parts[2]).toEqual({ type: 'finish', choiceIndex: 0, finishReason: 'stop' });
  });

  it('maps a 200 answer that is not a message as a bad upstream response', async () => {
    upstream.setHandler(() => ({ kind: 'json', body: { hello: 'world' } }));
    expect((await failure(model.complete(request, {}))).code).toBe('upstream_bad_response');
  });
});

describe('mapAnthropicError', () => {
  it('prefers the error type over the status and falls back to the status', () => {
    expect(mapAnthropicError({ status: 400, detail: { type: 'billing_error', message: 'credit balance too low' }, deploymentId: 'd' }).code).toBe('upstream_auth');
    expect(mapAnthropicError({ status: 504, detail: { type: 'timeout_error', message: 'Request timed out' }, deploymentId: 'd' }).code).toBe('upstream_server_error');
    expect(mapAnthropicError({ status: 418, rawBody: 'teapot', deploymentId: 'd' }).code).toBe('upstream_invalid_request');
    expect(mapAnthropicError({ status: 529, rawBody: '', deploymentId: 'd' }).code).toBe('overloaded');
    expect(mapAnthropicError({ detail: { type: 'invalid_request_error', message: 'prompt is too long: 300000 tokens > 200000 maximum' }, deploymentId: 'd' }).code).toBe('context_length_exceeded');
    const overBudget = 'input length and `max_tokens` exceed context limit: 188240 + 21333 > 200000, decrease input length or `max_tokens` and try again';
    expect(mapAnthropicError({ status: 400, detail: { type: 'invalid_request_error', message: overBudget }, deploymentId: 'd' }).code).toBe('context_length_exceeded');
    expect(mapAnthropicError({ status: 400, detail: { type: 'invalid_request_error', message: 'max_tokens: Field required' }, deploymentId: 'd' }).code).toBe('upstream_invalid_request');
  });
});
