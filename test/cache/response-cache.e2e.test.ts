import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { testConfig } from '../e2e/gateway-config.js';
import { completion, textStream } from '../e2e/openai-wire.js';
import { startTestGateway, type TestGateway } from '../e2e/start-test-gateway.js';

let upstream: FakeUpstream;
let gw: TestGateway;

beforeAll(async () => {
  upstream = await startFakeUpstream((request) => {
    const body = request.json as { stream?: boolean; model: string };
    return body.stream === true ? textStream(body.model, ['Cached ', 'stream ', 'answer.'], { delayMs: 5 }) : completion(body.model, 'Cached JSON answer.');
  });
  gw = await startTestGateway(testConfig(upstream.url, { policies: { 'fake-only': { deployments: ['pair'], cache: { enabled: true, ttlSeconds: 60 } } } }));
});

afterAll(async () => {
  await gw.close();
  await upstream.close();
});

describe('response cache through the server', () => {
  it('marks misses and hits in headers; a hit costs nothing and calls no upstream', async () => {
    const before = upstream.requests.length;
    const ask = () => gw.client.chat.completions.create({ model: 'fake-only', temperature: 0, messages: [{ role: 'user', content: 'json please' }] }).withResponse();
    const first = await ask();
    expect(first.response.headers.get('x-switchyard-cache')).toBe('miss');
    const second = await ask();
    expect(second.response.headers.get('x-switchyard-cache')).toBe('hit');
    expect(second.response.headers.get('x-switchyard-cost-usd')).toBe('0.00000000');
    expect(second.data.choices[0]?.message.content).toBe('Cached JSON answer.');
    expect(upstream.requests.length - before).toBe(1);
  });

  it('replays a cached answer as an SSE stream, with usage', async () => {
    const before = upstream.requests.length;
    const ask = async () => {
      const { data: stream, response } = await gw.client.chat.completions
        .create({ model: 'fake-only', temperature: 0, stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'stream please' }] })
        .withResponse();
      let text = '';
      let usage: unknown;
      let finish: string | null | undefined;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        finish ??= chunk.choices[0]?.finish_reason;
        if (chunk.usage) usage = chunk.usage;
      }
      return { text, usage, finish, cache: response.headers.get('x-switchyard-cache'), type: response.headers.get('content-type') };
    };
    const live = await ask();
    expect(live).toMatchObject({ text: 'Cached stream answer.', cache: 'miss', finish: 'stop' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const replay = await ask();
    expect(replay).toMatchObject({ text: 'Cached stream answer.', cache: 'hit', finish: 'stop' });
    expect(replay.type).toContain('text/event-stream');
    expect(replay.usage).toMatchObject({ prompt_tokens: 10, completion_tokens: 3, cost_usd: 0 });
    expect(upstream.requests.length - before).toBe(1);
  });

  it('bypasses on x-switchyard-cache: off and rejects a bad value', async () => {
    const response = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-switchyard-cache': 'off' },
      body: JSON.stringify({ model: 'fake-only', temperature: 0, messages: [{ role: 'user', content: 'json please' }] }),
    });
    expect(response.headers.get('x-switchyard-cache')).toBe('bypass');
    await response.text();
    const bad = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-switchyard-cache': 'sometimes' },
      body: JSON.stringify({ model: 'fake-only', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(bad.status).toBe(400);
    await bad.text();
  });
});
