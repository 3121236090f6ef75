import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { scripted, testConfig, type Script } from './gateway-config.js';
import { completion, openAIError, textStream, toolCallStream } from './openai-wire.js';
import { startTestGateway, type TestGateway } from './start-test-gateway.js';

let upstream: FakeUpstream;
let t: TestGateway;
let script: Script = {};

beforeAll(async () => {
  upstream = await startFakeUpstream(scripted(() => script));
  t = await startTestGateway(testConfig(upstream.url));
});
afterAll(async () => {
  await t.close();
  await upstream.close();
});
beforeEach(() => {
  upstream.requests.length = 0;
  script = {
    'primary-model': () => completion('primary-model', 'from primary'),
    'backup-model': () => completion('backup-model', 'from backup'),
  };
});

const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'Say hello.' },
];

const weatherTool: OpenAI.Chat.ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_weather', description: 'Weather by city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};

describe('chat completions through the official client', () => {
  it('answers non-streaming with the upstream text, usage, cost and routing headers', async () => {
    script['primary-model'] = () => completion('primary-model', 'from primary', { usage: { input: 1000, output: 500 } });
    const { data, response } = await t.client.chat.completions.create({ model: 'fake/primary', messages, temperature: 0.2, max_tokens: 50 }).withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.choices[0]?.message.content).toBe('from primary');
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.usage).toMatchObject({ prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 });
    // 1000 input at $1/M plus 500 output at $2/M.
    expect(Number(response.headers.get('x-switchyard-cost-usd'))).toBeCloseTo(0.002, 9);
    expect(response.headers.get('x-switchyard-deployment')).toBe('fake/primary');
    expect(response.headers.get('x-switchyard-decision-id')).toMatch(/\S{8,}/);
    const sent = upstream.requests[0]?.json as Record<string, unknown>;
    expect(sent.model).toBe('primary-model');
    expect(sent.temperature).toBe(0.2);
    expect(upstream.requests[0]?.headers.authorization).toBe('Bearer upstream-secret-key');
  });

  it('streams SSE chunks with the role first, a finish reason, and a final usage chunk carrying the cost', async () => {
    script['primary-model'] = () => textStream('primary-model', ['Hel', 'lo', '!'], { usage: { input: 1000, output: 3 } });
    const { data: stream, response } = await t.client.chat.completions
      .create({ model: 'fake/primary', messages, stream: true, stream_options: { include_usage: true } })
      .withResponse();
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(response.headers.get('x-switchyard-deployment')).toBe('fake/primary');
    const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Hello!');
    expect(chunks.some((c) => c.choices[0]?.finish_reason === 'stop')).toBe(true);
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toMatchObject({ prompt_tokens: 1000, completion_tokens: 3 });
    expect((last?.usage as unknown as { cost_usd: number }).cost_usd).toBeCloseTo(0.001006, 9);
  });

  it('passes tools through and returns tool calls', async () => {
    script['primary-model'] = () =>
      completion('primary-model', null, { toolCalls: [{ id: 'call_9', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] });
    const data = await t.client.chat.completions.create({ model: 'fake/primary', messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: [weatherTool], tool_choice: 'auto' });
    const call = data.choices[0]?.message.tool_calls?.[0];
    expect(data.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.type === 'function' ? call.function : undefined).toEqual({ name: 'get_weather', arguments: '{"city":"Paris"}' });
    const sent = upstream.requests[0]?.json as { tools: unknown[]; tool_choice: unknown };
    expect(sent.tools).toHaveLength(1);
    expect(sent.tool_choice).toBe('auto');
  });

  it('streams tool-call deltas with index, id, type and argument pieces', async () => {
    script['primary-model'] = () => toolCallStream('primary-model', 'get_weather', ['{"ci', 'ty":"Pa', 'ris"}']);
    const stream = await t.client.chat.completions.create({
      model: 'fake/primary',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [weatherTool],
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage: (OpenAI.CompletionUsage & { cost_usd?: number; cost_estimated?: boolean }) | null | undefined;
    let name = '';
    let args = '';
    let id: string | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      for (const call of chunk.choices[0]?.delta.tool_calls ?? []) {
        expect(call.index).toBe(0);
        if (call.id) {
          id = call.id;
          expect(call.type).toBe('function');
        }
        name += call.function?.name ?? '';
        args += call.function?.arguments ?? '';
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    expect(id).toBe('call_1');
    expect(name).toBe('get_weather');
    expect(JSON.parse(args)).toEqual({ city: 'Paris' });
    expect(finish).toBe('tool_calls');
    // This upstream sent no usage: the gateway counted the tokens and says the cost is an estimate.
    expect(usage?.cost_estimated).toBe(true);
    expect(usage?.prompt_tokens).toBeGreaterThan(0);
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    expect(usage?.cost_usd).toBeGreaterThan(0);
  });

  it('serves json mode from the simulated provider as parseable JSON', async () => {
    const data = await t.client.chat.completions.create({
      model: 'sim/mini',
      messages: [{ role: 'user', content: 'Give me a JSON object describing a cat.' }],
      response_format: { type: 'json_object' },
    });
    expect(() => JSON.parse(data.choices[0]?.message.content ?? '')).not.toThrow();
  });

  it('forwards json_schema response formats to the upstream', async () => {
    await t.client.chat.completions.create({
      model: 'fake/primary',
      messages,
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object', properties: { a: { type: 'string' } } }, strict: true } },
    });
    const sent = upstream.requests[0]?.json as { response_format: { type: string; json_schema: { name: string; strict: boolean } } };
    expect(sent.response_format.type).toBe('json_schema');
    expect(sent.response_format.json_schema).toMatchObject({ name: 'answer', strict: true });
  });

  it('passes unknown top-level fields through to OpenAI-compatible upstreams', async () => {
    await t.client.chat.completions.create({ model: 'fake/primary', messages, logit_bias: { '50256': -100 } });
    expect((upstream.requests[0]?.json as { logit_bias?: unknown }).logit_bias).toEqual({ '50256': -100 });
  });
});

describe('failover', () => {
  it('falls back to the next candidate when the first fails before answering', async () => {
    script['primary-model'] = () => openAIError(503, 'overloaded', 'The server is overloaded.');
    const { data, response } = await t.client.chat.completions.create({ model: 'router/fake-only', messages }).withResponse();
    expect(data.choices[0]?.message.content).toBe('from backup');
    expect(response.headers.get('x-switchyard-deployment')).toBe('fake/backup');
    // Retries on the first deployment may come before the fallback.
    expect(Number(response.headers.get('x-switchyard-attempts'))).toBeGreaterThanOrEqual(2);
  });

  it('fails a stream over invisibly when the first upstream breaks before the first token', async () => {
    script['primary-model'] = () => textStream('primary-model', ['never', 'seen'], { cutAfter: 1 });
    script['backup-model'] = () => textStream('backup-model', ['from ', 'backup']);
    const { data: stream, response } = await t.client.chat.completions.create({ model: 'router/fake-only', messages, stream: true }).withResponse();
    expect(response.headers.get('x-switchyard-deployment')).toBe('fake/backup');
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('from backup');
  });

  it('reports a failure after the commit point in-band, with finish reason error', async () => {
    // The pause between events lets the first ones reach the gateway before the socket is cut.
    script['primary-model'] = () => textStream('primary-model', ['partial ', 'answer ', 'cut'], { cutAfter: 3, delayMs: 20 });
    const stream = await t.client.chat.completions.create({ model: 'router/fake-only', messages, stream: true });
    let text = '';
    let finish: string | null | undefined;
    let caught: unknown;
    try {
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
    } catch (error) {
      caught = error;
    }
    expect(text.startsWith('partial ')).toBe(true);
    expect('partial answer '.startsWith(text)).toBe(true);
    expect(finish).toBe('error');
    expect(caught).toBeInstanceOf(OpenAI.APIError);
    expect((caught as InstanceType<typeof OpenAI.APIError>).code).toBe('stream_interrupted');
    // Nothing was retried after the commit point.
    expect(upstream.requests.filter((r) => (r.json as { model: string }).model === 'backup-model')).toHaveLength(0);
  });

  it('aborts the upstream call when the client goes away', async () => {
    script['primary-model'] = () => textStream('primary-model', Array.from({ length: 50 }, (_, i) => `w${i} `), { delayMs: 40 });
    const controller = new AbortController();
    const stream = await t.client.chat.completions.create({ model: 'fake/primary', messages, stream: true }, { signal: controller.signal });
    let seen = 0;
    try {
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta.content) seen += 1;
        if (seen === 2) controller.abort();
      }
    } catch {
      // The client reports its own abort.
    }
    await expect.poll(() => upstream.requests[0]?.aborted, { timeout: 5_000 }).toBe(true);
  });
});

describe('routing wishes', () => {
  it('honours x-switchyard-allowed-models on an alias', async () => {
    const { response } = await t.client.chat.completions
      .create({ model: 'pair', messages }, { headers: { 'x-switchyard-allowed-models': 'fake/backup' } })
      .withResponse();
    expect(response.headers.get('x-switchyard-deployment')).toBe('fake/backup');
  });

  it('honours the body routing object', async () => {
    const body = { model: 'pair', messages, routing: { allowed_models: ['fake/backup'], priorities: { cost: 1 } } };
    const { response } = await t.client.chat.completions.create(body as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming).withResponse();
    expect(response.headers.get('x-switchyard-deployment')).toBe('fake/backup');
  });
});
