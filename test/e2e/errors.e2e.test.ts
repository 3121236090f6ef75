import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { scripted, testConfig, type Script } from './gateway-config.js';
import { completion, openAIError } from './openai-wire.js';
import { startTestGateway, type TestGateway } from './start-test-gateway.js';

let upstream: FakeUpstream;
let t: TestGateway;
let script: Script = {};

const MAX_BODY = 64 * 1024;

beforeAll(async () => {
  upstream = await startFakeUpstream(scripted(() => script));
});
afterAll(async () => {
  await upstream.close();
});
// A fresh gateway per test: breakers and live stats from one failure case must not leak into the next.
beforeEach(async () => {
  t = await startTestGateway(testConfig(upstream.url, { server: { maxBodyBytes: MAX_BODY } }));
  script = {
    'primary-model': () => completion('primary-model', 'from primary'),
    'backup-model': () => completion('backup-model', 'from backup'),
  };
});
afterEach(async () => {
  await t.close();
});

const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Say hello.' }];

async function apiError(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(OpenAI.APIError);
    return error as InstanceType<typeof OpenAI.APIError>;
  }
  throw new Error('expected the request to fail');
}

/** A raw request, for what the official client refuses to send. */
async function raw(path: string, init: RequestInit): Promise<{ status: number; body: { error: { message: string; type: string; code: string; param: string | null } } }> {
  const response = await fetch(`${t.url}${path}`, init);
  return { status: response.status, body: (await response.json()) as never };
}

function expectOpenAIShape(body: { error: Record<string, unknown> }): void {
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  expect(typeof body.error.message).toBe('string');
}

describe('errors in OpenAI shape', () => {
  it('400 invalid_json for a malformed body', async () => {
    const { status, body } = await raw('/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model": "auto", "messages": [' });
    expect(status).toBe(400);
    expectOpenAIShape(body);
    expect(body.error.code).toBe('invalid_json');
    expect(body.error.type).toBe('invalid_request_error');
  });

  it('400 naming the bad field', async () => {
    const error = await apiError(t.client.chat.completions.create({ model: 'auto', messages, temperature: 5 }));
    expect(error.status).toBe(400);
    expect(error.code).toBe('invalid_request');
    expect(error.param).toBe('temperature');
  });

  it('400 naming a bad nested field', async () => {
    const bad = [{ role: 'user', content: [{ type: 'video', url: 'x' }] }] as unknown as OpenAI.Chat.ChatCompletionMessageParam[];
    const error = await apiError(t.client.chat.completions.create({ model: 'auto', messages: bad }));
    expect(error.status).toBe(400);
    expect(error.param).toMatch(/^messages\[0\]\.content/);
  });

  it('400 for a missing messages array', async () => {
    const { status, body } = await raw('/v1/chat/completions', { method: 'POST', body: JSON.stringify({ model: 'auto' }) });
    expect(status).toBe(400);
    expect(body.error.param).toBe('messages');
  });

  it('400 for a bad routing header, naming the header', async () => {
    const error = await apiError(t.client.chat.completions.create({ model: 'auto', messages }, { headers: { 'x-switchyard-priority': 'cost=lots' } }));
    expect(error.status).toBe(400);
    expect(error.param).toBe('x-switchyard-priority');
  });

  it('404 model_not_found for an unknown model', async () => {
    const error = await apiError(t.client.chat.completions.create({ model: 'nobody/knows', messages }));
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error.code).toBe('model_not_found');
    expect(error.param).toBe('model');
  });

  it('400 no_candidate listing why each deployment was excluded', async () => {
    const error = await apiError(t.client.chat.completions.create({ model: 'pair', messages, max_tokens: 100_000 }));
    expect(error.status).toBe(400);
    expect(error.code).toBe('no_candidate');
    expect(error.message).toContain('fake/primary');
    expect(error.message).toContain('fake/backup');
  });

  it('413 for a body over the limit, refused while reading', async () => {
    const big = 'x'.repeat(MAX_BODY * 2);
    const error = await apiError(t.client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: big }] }));
    expect(error.status).toBe(413);
    expect(error.code).toBe('body_too_large');
  });

  it('413 for a chunked body with no declared length', async () => {
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 4; i += 1) controller.enqueue(new TextEncoder().encode('x'.repeat(MAX_BODY / 2)));
        controller.close();
      },
    });
    const { status, body } = await raw('/v1/chat/completions', { method: 'POST', body: chunks, duplex: 'half' } as RequestInit);
    expect(status).toBe(413);
    expect(body.error.code).toBe('body_too_large');
  });

  it('404 for an unknown route and 405 for a wrong method', async () => {
    const missing = await raw('/v1/nothing-here', { method: 'GET' });
    expect(missing.status).toBe(404);
    expectOpenAIShape(missing.body);
    const wrong = await raw('/v1/chat/completions', { method: 'GET' });
    expect(wrong.status).toBe(405);
    expect(wrong.body.error.code).toBe('method_not_allowed');
  });

  it('maps an upstream 429 to a rate limit error with retry-after', async () => {
    script['primary-model'] = () => openAIError(429, 'rate_limit_exceeded', 'Slow down.', { 'retry-after': '1' });
    const error = await apiError(t.client.chat.completions.create({ model: 'fake/primary', messages }));
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.code).toBe('rate_limited');
    expect(error.headers?.get('retry-after')).toBe('1');
  });

  it('maps an upstream context-length error to context_length_exceeded', async () => {
    script['primary-model'] = () => openAIError(400, 'context_length_exceeded', "This model's maximum context length is 32000 tokens.");
    const error = await apiError(t.client.chat.completions.create({ model: 'fake/primary', messages }));
    expect(error.status).toBe(400);
    expect(error.code).toBe('context_length_exceeded');
  });

  it('maps an upstream 401 to a 502 that does not leak the upstream key', async () => {
    script['primary-model'] = () => openAIError(401, 'invalid_api_key', 'Incorrect API key provided.');
    const error = await apiError(t.client.chat.completions.create({ model: 'fake/primary', messages }));
    expect(error.status).toBe(502);
    expect(error.code).toBe('upstream_auth');
    expect(JSON.stringify(error.error)).not.toContain('upstream-secret-key');
  });

  it('reports the last failure when every candidate fails', async () => {
    script['primary-model'] = () => openAIError(500, 'server_error', 'boom');
    script['backup-model'] = () => openAIError(503, 'overloaded', 'busy');
    const error = await apiError(t.client.chat.completions.create({ model: 'pair', messages }));
    expect(error.status).toBeGreaterThanOrEqual(500);
    expect(Number(error.headers?.get('x-switchyard-attempts'))).toBeGreaterThanOrEqual(2);
    expect(error.message).toContain('fake/primary');
    expect(error.message).toContain('fake/backup');
  });

  it('fails a stream before the commit point with a proper HTTP status', async () => {
    script['primary-model'] = () => openAIError(429, 'rate_limit_exceeded', 'Slow down.');
    const error = await apiError(t.client.chat.completions.create({ model: 'fake/primary', messages, stream: true }));
    expect(error.status).toBe(429);
  });

  it('keeps serving after bad input', async () => {
    const { status } = await raw('/v1/chat/completions', { method: 'POST', body: '[1,2,3]' });
    expect(status).toBe(400);
    const data = await t.client.chat.completions.create({ model: 'fake/primary', messages });
    expect(data.choices[0]?.message.content).toBe('from primary');
  });
});
