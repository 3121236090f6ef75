import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatModel } from '../../spec/chat-model.js';
import type { ChatRequest } from '../../spec/chat-request.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { UpstreamPools } from '../../http/upstream-pools.js';
import { startFakeUpstream, type FakeUpstream } from '../../../test/support/fake-upstream.js';
import { loadFixtureJson } from '../../../test/support/fixtures.js';
import { anthropicProvider } from './anthropic-provider.js';

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const weatherTool = { type: 'function' as const, function: { name: 'get_weather', description: 'Weather by city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } };

describe('anthropic adapter: request mapping', () => {
  let upstream: FakeUpstream;
  let pools: UpstreamPools;
  let model: ChatModel;

  beforeAll(async () => {
    upstream = await startFakeUpstream(() => ({ kind: 'json', body: loadFixtureJson('providers/anthropic/anthropic-text.json') }));
    pools = new UpstreamPools();
    model = anthropicProvider.create({
      deploymentId: 'anthropic/request',
      model: 'claude-sonnet-4-5',
      baseUrl: `${upstream.url}/v1/`,
      apiKey: 'sk-ant-request-test',
      headers: { 'anthropic-beta': 'example-beta' },
      pools,
    });
  });
  afterAll(async () => {
    await pools.close();
    await upstream.close();
  });
  beforeEach(() => {
    upstream.requests.length = 0;
  });

  async function sent(request: ChatRequest, target: ChatModel = model): Promise<Record<string, unknown>> {
    await target.complete(request, {});
    const seen = upstream.requests.at(-1);
    if (seen === undefined) throw new Error('no request reached the upstream');
    return seen.json as Record<string, unknown>;
  }

  it('posts to /v1/messages with the key, version and configured headers', async () => {
    await model.complete({ model: 'x', messages: [{ role: 'user', content: 'Hi' }] }, { headers: { 'x-trace-id': 'trace-1' } });
    const seen = upstream.requests[0];
    expect(seen?.method).toBe('POST');
    expect(seen?.path).toBe('/v1/messages');
    expect(seen?.headers['x-api-key']).toBe('sk-ant-request-test');
    expect(seen?.headers['anthropic-version']).toBe('2023-06-01');
    expect(seen?.headers['anthropic-beta']).toBe('example-beta');
    expect(seen?.headers['x-trace-id']).toBe('trace-1');
    expect(seen?.headers['content-type']).toBe('application/json');
    expect(seen?.headers.authorization).toBeUndefined();
  });

  it('extracts system and developer messages and merges same-side turns', async () => {
    const body = await sent({
      model: 'x',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'One.' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
        { role: 'user', content: [{ type: 'text', text: 'Two.' }] },
        { role: 'assistant', content: 'Un.' },
        { role: 'assistant', content: [{ type: 'text', text: 'Deux.' }] },
        { role: 'user', content: 'Three?' },
      ],
    });
    expect(body.system).toEqual([{ type: 'text', text: 'Be brief.' }, { type: 'text', text: 'Answer in French.' }]);
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'One.' }, { type: 'text', text: 'Two.' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Un.' }, { type: 'text', text: 'Deux.' }] },
      { role: 'user', content: [{ type: 'text', text: 'Three?' }] },
    ]);
    expect(body.model).toBe('claude-sonnet-4-5');
    expect(body.max_tokens).toBe(4096);
    expect(body.stream).toBeUndefined();
  });

  it('maps images: base64 data URLs and https URLs', async () => {
    const body = await sent({
      model: 'x',
      messages: [{ role: 'user', content: [
        { type: 'text', text: 'Compare these.' },
        { type: 'image', url: `data:image/png;base64,${PNG}` },
        { type: 'image', url: 'https://example.com/cat.jpg', detail: 'high' },
      ] }],
    });
    expect(body.messages).toEqual([{ role: 'user', content: [
      { type: 'text', text: 'Compare these.' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
    ] }]);
  });

  it('refuses non-base64 data URLs before calling', async () => {
    await expect(model.complete({ model: 'x', messages: [{ role: 'user', content: [{ type: 'image', url: 'data:image/svg+xml,<svg/>' }] }] }, {}))
      .rejects.toMatchObject({ code: 'invalid_request', param: 'messages[0].content[0]' });
    expect(upstream.requests).toHaveLength(0);
  });

  it('maps tool calls and tool results both ways, results first in their user turn', async () => {
    const body = await sent({
      model: 'x',
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        { role: 'assistant', content: 'Checking.', toolCalls: [
          { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'toolu_2', type: 'function', function: { name: 'get_time', arguments: '' } },
        ] },
        { role: 'tool', toolCallId: 'toolu_1', content: '18C, cloudy' },
        { role: 'user', content: 'Also, be quick.' },
        { role: 'tool', toolCallId: 'toolu_2', content: [{ type: 'text', text: '14:05' }] },
      ],
      tools: [weatherTool, { type: 'function', function: { name: 'get_time' } }],
    });
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
      { role: 'assistant', content: [
        { type: 'text', text: 'Checking.' },
        { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
        { type: 'tool_use', id: 'toolu_2', name: 'get_time', input: {} },
      ] },
      { role: 'user', content: [
        { type: 'tool_result', tool_use_id: 'toolu_1', content: '18C, cloudy' },
        { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: '14:05' }] },
        { type: 'text', text: 'Also, be quick.' },
      ] },
    ]);
    expect(body.tools).toEqual([
      { name: 'get_weather', description: 'Weather by city', input_schema: weatherTool.function.parameters },
      { name: 'get_time', input_schema: { type: 'object', properties: {} } },
    ]);
    expect(body.tool_choice).toBeUndefined();
  });

  it('refuses tool-call arguments that are not a JSON object', async () => {
    await expect(model.complete({ model: 'x', messages: [
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: null, toolCalls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '[1,' } }] },
    ] }, {})).rejects.toMatchObject({ code: 'invalid_request' });
  });

  it.each([
    ['auto', undefined, { type: 'auto' }],
    ['none', undefined, { type: 'none' }],
    ['required', undefined, { type: 'any' }],
    [{ type: 'function', function: { name: 'get_weather' } }, undefined, { type: 'tool', name: 'get_weather' }],
    ['auto', false, { type: 'auto', disable_parallel_tool_use: true }],
    [undefined, false, { type: 'auto', disable_parallel_tool_use: true }],
  ] as const)('maps tool_choice %j (parallel %s)', async (toolChoice, parallelToolCalls, expected) => {
    const body = await sent({ model: 'x', messages: [{ role: 'user', content: 'Hi' }], tools: [weatherTool], toolChoice, parallelToolCalls });
    expect(body.tool_choice).toEqual(expected);
  });

  it('maps sampling fields, stop sequences, max tokens and user', async () => {
    const body = await sent({
      model: 'x', messages: [{ role: 'user', content: 'Hi' }],
      temperature: 0.3, topP: 0.9, stop: ['###', 'END'], maxOutputTokens: 321, user: 'team-a:alice', seed: 7, presencePenalty: 0.5,
    });
    expect(body).toMatchObject({ temperature: 0.3, top_p: 0.9, stop_sequences: ['###', 'END'], max_tokens: 321, metadata: { user_id: 'team-a:alice' } });
    expect(body).not.toHaveProperty('seed');
    expect(body).not.toHaveProperty('presence_penalty');
  });

  it('uses the configured default max_tokens and anthropic-version', async () => {
    const configured = anthropicProvider.create({
      deploymentId: 'anthropic/configured', model: 'claude-haiku-4-5', baseUrl: `${upstream.url}/v1`, apiKey: 'k', pools,
      settings: { defaultMaxTokens: 1024, anthropicVersion: '2023-01-01' },
    });
    const body = await sent({ model: 'x', messages: [{ role: 'user', content: 'Hi' }] }, configured);
    expect(body.max_tokens).toBe(1024);
    expect(upstream.requests.at(-1)?.headers['anthropic-version']).toBe('2023-01-01');
  });

  it('refuses unknown or invalid settings at creation', () => {
    expect(() => anthropicProvider.create({ deploymentId: 'a/b', model: 'm', pools, settings: { defaultMaxToken: 5 } })).toThrow(/settings/);
    expect(() => anthropicProvider.create({ deploymentId: 'a/b', model: 'm', pools, settings: { defaultMaxTokens: -1 } })).toThrow(/defaultMaxTokens/);
  });

  it('forces a JSON tool for json_schema and json_object response formats', async () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] };
    const withSchema = await sent({ model: 'x', messages: [{ role: 'user', content: 'Hi' }], responseFormat: { type: 'json_schema', jsonSchema: { name: 'answer', schema, description: 'The answer.' } } });
    expect(withSchema.tools).toEqual([{ name: 'json', description: 'The answer.', input_schema: schema }]);
    expect(withSchema.tool_choice).toEqual({ type: 'tool', name: 'json' });

    const anyObject = await sent({ model: 'x', messages: [{ role: 'user', content: 'Hi' }], responseFormat: { type: 'json_object' } });
    expect(anyObject.tools).toEqual([{ name: 'json', description: 'Respond with a JSON object.', input_schema: { type: 'object', additionalProperties: true } }]);
    expect(anyObject.tool_choice).toEqual({ type: 'tool', name: 'json' });

    const withTools = await sent({ model: 'x', messages: [{ role: 'user', content: 'Hi' }], tools: [weatherTool], responseFormat: { type: 'json_object' } });
    expect((withTools.tools as Array<{ name: string }>).map((t) => t.name)).toEqual(['get_weather', 'json']);
    expect(withTools.tool_choice).toEqual({ type: 'any' });

    const toolsOff = await sent({ model: 'x', messages: [{ role: 'user', content: 'Hi' }], tools: [weatherTool], toolChoice: 'none', responseFormat: { type: 'json_object' } });
    expect((toolsOff.tools as Array<{ name: string }>).map((t) => t.name)).toEqual(['json']);
    expect(toolsOff.tool_choice).toEqual({ type: 'tool', name: 'json' });

    const forcedCallerTool = await sent({ model: 'x', messages: [{ role: 'user', content: 'Hi' }], tools: [weatherTool], toolChoice: { type: 'function', function: { name: 'get_weather' } }, responseFormat: { type: 'json_object' } });
    expect(forcedCallerTool.tool_choice).toEqual({ type: 'tool', name: 'get_weather' });

    const plainText = await sent({ model: 'x', messages: [{ role: 'user', content: 'Hi' }], responseFormat: { type: 'text' } });
    expect(plainText.tools).toBeUndefined();
  });

  it('refuses n > 1 before calling, naming the parameter', async () => {
    const error = await model.complete({ model: 'x', messages: [{ role: 'user', content: 'Hi' }], n: 3 }, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: 'upstream_invalid_request', outcome: 'invalid_request', param: 'n' });
    expect((error as Error).message).toMatch(/n=3/);
    const streamed = await (async () => {
      for await (const _part of model.stream({ model: 'x', messages: [{ role: 'user', content: 'Hi' }], n: 2, stream: true }, {})) { /* none expected */ }
    })().catch((e: unknown) => e);
    expect(streamed).toMatchObject({ code: 'upstream_invalid_request' });
    expect(upstream.requests).toHaveLength(0);
  });

  it('asks for a stream when streaming', async () => {
    upstream.setHandler(() => ({ kind: 'sse', events: [] }));
    try {
      await (async () => {
        for await (const _part of model.stream({ model: 'x', messages: [{ role: 'user', content: 'Hi' }], stream: true }, {})) { /* drained */ }
      })().catch(() => undefined);
      expect((upstream.requests.at(-1)?.json as { stream?: boolean }).stream).toBe(true);
    } finally {
      upstream.setHandler(() => ({ kind: 'json', body: loadFixtureJson('providers/anthropic/anthropic-text.json') }));
    }
  });
});
