import { Buffer } from 'node:buffer';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../../src/spec/chat-request.js';
import type { StreamPart } from '../../../src/spec/stream-part.js';
import { GatewayError } from '../../../src/errors/gateway-error.js';
import { UpstreamPools } from '../../../src/http/upstream-pools.js';
import { geminiProvider } from '../../../src/providers/gemini/gemini-provider.js';
import { startFakeUpstream, type FakeUpstream } from '../../support/fake-upstream.js';
import { loadFixtureChunks, loadFixtureJson } from '../../support/fixtures.js';

const PNG_DATA_URL = 'data:image/png;base64,iVBORw0KGgo=';

describe('gemini request mapping, as the upstream receives it', () => {
  let upstream: FakeUpstream;
  let pools: UpstreamPools;

  beforeAll(async () => {
    upstream = await startFakeUpstream(() => ({ kind: 'json', body: loadFixtureJson('providers/gemini/google-text.json') }));
    pools = new UpstreamPools();
  });
  beforeEach(() => {
    upstream.setHandler(() => ({ kind: 'json', body: loadFixtureJson('providers/gemini/google-text.json') }));
  });
  afterAll(async () => {
    await pools.close();
    await upstream.close();
  });

  const create = (model = 'gemini-2.5-flash', settings?: Record<string, unknown>) =>
    geminiProvider.create({ deploymentId: `google/${model}`, model, baseUrl: `${upstream.url}/v1beta/`, apiKey: 'secret-key-123', headers: { 'x-team': 'search' }, pools, ...(settings ? { settings } : {}) });

  const lastBody = () => upstream.requests.at(-1)?.json as Record<string, unknown>;

  it('posts to models/{model}:generateContent with the key in x-goog-api-key, never in the URL', async () => {
    await create().complete({ model: 'x', messages: [{ role: 'user', content: 'Hi' }] }, { headers: { 'x-request-id': 'r-1' } });
    const seen = upstream.requests.at(-1);
    expect(seen?.method).toBe('POST');
    expect(seen?.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(seen?.path).not.toContain('key=');
    expect(seen?.headers['x-goog-api-key']).toBe('secret-key-123');
    expect(seen?.headers['content-type']).toBe('application/json');
    expect(seen?.headers['x-team']).toBe('search');
    expect(seen?.headers['x-request-id']).toBe('r-1');
    expect(seen?.headers.authorization).toBeUndefined();
  });

  it('streams from :streamGenerateContent?alt=sse', async () => {
    upstream.setHandler(() => ({ kind: 'sse', events: loadFixtureChunks('providers/gemini/google-text.chunks.txt').map((data) => ({ data })) }));
    const parts: StreamPart[] = [];
    for await (const part of create('models/gemini-2.5-pro').stream({ model: 'x', messages: [{ role: 'user', content: 'Hi' }], stream: true }, {})) parts.push(part);
    expect(upstream.requests.at(-1)?.path).toBe('/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse');
    expect(upstream.requests.at(-1)?.headers.accept).toBe('text/event-stream');
    expect(parts.some((p) => p.type === 'finish')).toBe(true);
  });

  it('moves system and developer messages to systemInstruction and alternates user/model turns', async () => {
    await create().complete(
      {
        model: 'x',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
          { role: 'user', content: 'Hello' },
          { role: 'user', content: [{ type: 'text', text: 'Are you there?' }] },
          { role: 'assistant', content: 'Oui.' },
          { role: 'user', content: 'Bien.' },
        ],
      },
      {},
    );
    const body = lastBody();
    expect(body.systemInstruction).toEqual({ parts: [{ text: 'Be brief.' }, { text: 'Answer in French.' }] });
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'Hello' }, { text: 'Are you there?' }] },
      { role: 'model', parts: [{ text: 'Oui.' }] },
      { role: 'user', parts: [{ text: 'Bien.' }] },
    ]);
    expect(body.generationConfig).toBeUndefined();
    expect(body.tools).toBeUndefined();
  });

  it('sends data-URL images inline and https images as fileData with a guessed MIME type', async () => {
    await create().complete(
      {
        model: 'x',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Compare these.' },
              { type: 'image', url: PNG_DATA_URL },
              { type: 'image', url: 'https://example.com/photos/cat.WEBP?size=large' },
              { type: 'image', url: 'https://example.com/render' },
            ],
          },
        ],
      },
      {},
    );
    expect((lastBody().contents as unknown[])[0]).toEqual({
      role: 'user',
      parts: [
        { text: 'Compare these.' },
        { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
        { fileData: { fileUri: 'https://example.com/photos/cat.WEBP?size=large', mimeType: 'image/webp' } },
        { fileData: { fileUri: 'https://example.com/render', mimeType: 'image/jpeg' } },
      ],
    });

    await create().complete({ model: 'x', messages: [{ role: 'user', content: [{ type: 'image', url: 'data:image/svg+xml,%3Csvg%2F%3E' }] }] }, {});
    expect((lastBody().contents as unknown[])[0]).toEqual({ role: 'user', parts: [{ inlineData: { mimeType: 'image/svg+xml', data: Buffer.from('<svg/>').toString('base64') } }] });
  });

  const toolConversation: ChatRequest['messages'] = [
    { role: 'user', content: 'Weather in Paris and Rome?' },
    {
      role: 'assistant',
      content: null,
      toolCalls: [
        { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        { id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '' } },
      ],
    },
    { role: 'tool', toolCallId: 'call_b', content: '14:05' },
    { role: 'tool', toolCallId: 'call_a', content: [{ type: 'text', text: '{"temp":21}' }] },
  ];

  it('maps tool calls to functionCall parts and tool results to functionResponse parts named by call id', async () => {
    await create().complete({ model: 'x', messages: toolConversation }, {});
    expect(lastBody().contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather in Paris and Rome?' }] },
      {
        role: 'model',
        parts: [
          { functionCall: { name: 'get_weather', args: { city: 'Paris' } } },
          { functionCall: { name: 'get_time', args: {} } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'get_time', response: { output: '14:05' } } },
          { functionResponse: { name: 'get_weather', response: { output: '{"temp":21}' } } },
        ],
      },
    ]);
  });

  it('puts the placeholder thought signature on the first replayed call for Gemini 3 models only', async () => {
    await create('gemini-3-pro-preview').complete({ model: 'x', messages: toolConversation }, {});
    const modelTurn = (lastBody().contents as Array<{ parts: Array<Record<string, unknown>> }>)[1];
    expect(modelTurn?.parts[0]?.thoughtSignature).toBe('skip_thought_signature_validator');
    expect(modelTurn?.parts[1]?.thoughtSignature).toBeUndefined();

    await create('gemini-3-pro-preview', { placeholderThoughtSignatures: false }).complete({ model: 'x', messages: toolConversation }, {});
    expect(JSON.stringify(lastBody())).not.toContain('thoughtSignature');
  });

  it('refuses a tool result whose id answers no earlier call, without calling upstream', async () => {
    const before = upstream.requests.length;
    const attempt = create().complete({ model: 'x', messages: [{ role: 'user', content: 'hi' }, { role: 'tool', toolCallId: 'nope', content: 'x' }] }, {});
    await expect(attempt).rejects.toMatchObject({ code: 'invalid_request', param: 'messages[1].tool_call_id' });
    await expect(create().complete({ model: 'x', messages: [{ role: 'assistant', content: null, toolCalls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{bad' } }] }] }, {})).rejects.toBeInstanceOf(GatewayError);
    expect(upstream.requests.length).toBe(before);
  });

  it('declares tools with schemas in the subset Gemini accepts, and maps tool_choice', async () => {
    await create().complete(
      {
        model: 'x',
        messages: [{ role: 'user', content: 'Find flights' }],
        tools: [
          {
            type: 'function',
            function: {
              name: 'search_flights',
              description: 'Search flights',
              strict: true,
              parameters: {
                $schema: 'http://json-schema.org/draft-07/schema#',
                type: 'object',
                additionalProperties: false,
                properties: {
                  from: { type: 'string', description: 'IATA code', minLength: 3 },
                  when: { type: ['string', 'null'], format: 'date-time' },
                  cabin: { enum: ['economy', 'business'] },
                  passengers: { $ref: '#/$defs/passenger' },
                },
                required: ['from', 'passengers', 'ghost'],
                $defs: { passenger: { type: 'array', items: { type: 'object', additionalProperties: false, properties: { age: { type: 'integer', format: 'uint8' } } } } },
              },
            },
          },
          { type: 'function', function: { name: 'now', parameters: { type: 'object', properties: {}, additionalProperties: false } } },
        ],
        toolChoice: { type: 'function', function: { name: 'search_flights' } },
      },
      {},
    );
    const body = lastBody();
    expect(body.tools).toEqual([
      {
        functionDeclarations: [
          {
            name: 'search_flights',
            description: 'Search flights',
            parameters: {
              type: 'object',
              properties: {
                from: { type: 'string', description: 'IATA code', minLength: 3 },
                when: { type: 'string', nullable: true, format: 'date-time' },
                cabin: { type: 'string', format: 'enum', enum: ['economy', 'business'] },
                passengers: { type: 'array', items: { type: 'object', properties: { age: { type: 'integer' } } } },
              },
              required: ['from', 'passengers'],
            },
          },
          { name: 'now' },
        ],
      },
    ]);
    expect(body.toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['search_flights'] } });

    const tools = [{ type: 'function' as const, function: { name: 'f' } }];
    for (const [choice, mode] of [['auto', 'AUTO'], ['none', 'NONE'], ['required', 'ANY']] as const) {
      await create().complete({ model: 'x', messages: [{ role: 'user', content: 'x' }], tools, toolChoice: choice }, {});
      expect(lastBody().toolConfig).toEqual({ functionCallingConfig: { mode } });
    }
    await create().complete({ model: 'x', messages: [{ role: 'user', content: 'x' }], toolChoice: 'required' }, {});
    expect(lastBody().toolConfig).toBeUndefined();
  });

  it('fills generationConfig from sampling options and json_schema', async () => {
    await create().complete(
      {
        model: 'x',
        messages: [{ role: 'user', content: 'List two colours' }],
        temperature: 0.2,
        topP: 0.9,
        maxOutputTokens: 256,
        stop: ['END'],
        n: 2,
        seed: 42,
        presencePenalty: 0.5,
        frequencyPenalty: 0.25,
        user: 'u-1',
        responseFormat: {
          type: 'json_schema',
          jsonSchema: { name: 'colours', strict: true, schema: { type: 'object', additionalProperties: false, properties: { colours: { type: 'array', items: { type: 'string' } } }, required: ['colours'] } },
        },
      },
      {},
    );
    expect(lastBody().generationConfig).toEqual({
      temperature: 0.2,
      topP: 0.9,
      maxOutputTokens: 256,
      stopSequences: ['END'],
      candidateCount: 2,
      seed: 42,
      presencePenalty: 0.5,
      frequencyPenalty: 0.25,
      responseMimeType: 'application/json',
      responseSchema: { type: 'object', properties: { colours: { type: 'array', items: { type: 'string' } } }, required: ['colours'] },
    });
    expect(JSON.stringify(lastBody())).not.toContain('u-1');

    await create().complete({ model: 'x', messages: [{ role: 'user', content: 'x' }], responseFormat: { type: 'json_object' } }, {});
    expect(lastBody().generationConfig).toEqual({ responseMimeType: 'application/json' });
  });

  it('passes safety settings and includeThoughts from deployment settings, and rejects unknown settings', async () => {
    const safetySettings = [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_ONLY_HIGH' }];
    await create('gemini-2.5-flash', { safetySettings, includeThoughts: true }).complete({ model: 'x', messages: [{ role: 'user', content: 'x' }] }, {});
    expect(lastBody().safetySettings).toEqual(safetySettings);
    expect(lastBody().generationConfig).toEqual({ thinkingConfig: { includeThoughts: true } });
    expect(() => create('gemini-2.5-flash', { safetySetting: [] })).toThrow(/settings/);
  });

  it('maps reasoning_effort to thinkingLevel on Gemini 3 and thinkingBudget on 2.5, and leaves older models alone', async () => {
    const ask = (effort: 'minimal' | 'low' | 'medium' | 'high'): ChatRequest => ({ model: 'x', messages: [{ role: 'user', content: 'x' }], reasoningEffort: effort });
    await create('gemini-3-pro-preview').complete(ask('medium'), {});
    expect(lastBody().generationConfig).toEqual({ thinkingConfig: { thinkingLevel: 'high' } });
    await create('gemini-3-flash-preview', { includeThoughts: true }).complete(ask('minimal'), {});
    expect(lastBody().generationConfig).toEqual({ thinkingConfig: { thinkingLevel: 'low', includeThoughts: true } });
    await create('gemini-2.5-pro').complete(ask('low'), {});
    expect(lastBody().generationConfig).toEqual({ thinkingConfig: { thinkingBudget: 1024 } });
    await create('gemini-2.0-flash').complete(ask('high'), {});
    expect(lastBody().generationConfig).toBeUndefined();
    await create('my-tuned-alias', { thinkingControl: 'budget' }).complete(ask('high'), {});
    expect(lastBody().generationConfig).toEqual({ thinkingConfig: { thinkingBudget: 24_576 } });
  });

  it('maps several candidates to several choices, and thought parts to reasoning', async () => {
    upstream.setHandler(() => ({
      kind: 'json',
      body: {
        candidates: [
          { content: { role: 'model', parts: [{ text: 'Weighing options.', thought: true }, { text: 'Red' }] }, finishReason: 'STOP', index: 0 },
          { content: { role: 'model', parts: [{ text: 'Blue, and' }] }, finishReason: 'MAX_TOKENS', index: 1 },
        ],
        usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 4, cachedContentTokenCount: 3, totalTokenCount: 9 },
        modelVersion: 'gemini-2.5-flash',
      },
    }));
    const response = await create().complete({ model: 'x', messages: [{ role: 'user', content: 'x' }], n: 2 }, {});
    expect(response.choices.map((c) => [c.index, c.message.content, c.finishReason])).toEqual([
      [0, 'Red', 'stop'],
      [1, 'Blue, and', 'length'],
    ]);
    expect(response.choices[0]?.message.reasoning).toBe('Weighing options.');
    expect(response.usage).toEqual({ inputTokens: 5, outputTokens: 4, cachedInputTokens: 3 });
  });
});
