import type { ChatCompletionCreateParamsStreaming, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../spec/chat-request.js';
import { convertToOpenAIRequest } from './convert-to-openai-request.js';
import { DEFAULT_QUIRKS, type OpenAICompatibleQuirks } from './openai-compatible-config.js';

const convert = (request: ChatRequest, stream = false, quirks: Partial<OpenAICompatibleQuirks> = {}) =>
  convertToOpenAIRequest(request, { model: 'upstream-model', stream, quirks: { ...DEFAULT_QUIRKS, ...quirks } });

const weatherTool = {
  type: 'function' as const,
  function: { name: 'get_weather', description: 'Weather by city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, strict: true },
};

describe('convertToOpenAIRequest', () => {
  it('maps every message role, tool calls and tool results', () => {
    const body = convert({
      model: 'auto',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Use metric units.' }] },
        { role: 'user', content: 'Weather in Paris?', name: 'ada' },
        { role: 'assistant', content: null, toolCalls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', toolCallId: 'call_1', content: '{"temp":21}' },
        { role: 'assistant', content: 'It is 21 °C.' },
        { role: 'assistant', content: null, refusal: 'I cannot help with that.' },
      ],
    });
    expect(body.model).toBe('upstream-model');
    expect(body.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'developer', content: [{ type: 'text', text: 'Use metric units.' }] },
      { role: 'user', content: 'Weather in Paris?', name: 'ada' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '{"temp":21}' },
      { role: 'assistant', content: 'It is 21 °C.' },
      { role: 'assistant', content: null, refusal: 'I cannot help with that.' },
    ]);
  });

  it('maps multi-part user content with images and detail', () => {
    const body = convert({
      model: 'auto',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in these?' },
            { type: 'image', url: 'https://example.com/cat.png', detail: 'low' },
            { type: 'image', url: 'data:image/png;base64,iVBORw0KGgo=' },
          ],
        },
      ],
    });
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in these?' },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'low' } },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
        ],
      },
    ]);
  });

  it('maps tools, tool choice, parallel calls and sampling fields', () => {
    const body = convert({
      model: 'auto',
      messages: [{ role: 'user', content: 'hi' }],
      tools: [weatherTool],
      toolChoice: { type: 'function', function: { name: 'get_weather' } },
      parallelToolCalls: false,
      temperature: 0.2,
      topP: 0.9,
      maxOutputTokens: 256,
      stop: ['END'],
      n: 2,
      seed: 7,
      user: 'user-42',
      presencePenalty: 0.5,
      frequencyPenalty: -0.5,
      reasoningEffort: 'low',
    });
    expect(body).toEqual({
      model: 'upstream-model',
      messages: [{ role: 'user', content: 'hi' }],
      tools: [weatherTool],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      parallel_tool_calls: false,
      temperature: 0.2,
      top_p: 0.9,
      max_completion_tokens: 256,
      stop: ['END'],
      n: 2,
      seed: 7,
      user: 'user-42',
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
      reasoning_effort: 'low',
    });
  });

  it('leaves tool_choice and parallel_tool_calls out when there are no tools', () => {
    const body = convert({ model: 'auto', messages: [], toolChoice: 'none', parallelToolCalls: true });
    expect(body).not.toHaveProperty('tool_choice');
    expect(body).not.toHaveProperty('parallel_tool_calls');
  });

  it('maps json_object and json_schema response formats', () => {
    expect(convert({ model: 'auto', messages: [], responseFormat: { type: 'json_object' } }).response_format).toEqual({ type: 'json_object' });
    const schema = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'], additionalProperties: false };
    expect(convert({ model: 'auto', messages: [], responseFormat: { type: 'json_schema', jsonSchema: { name: 'person', schema, strict: true } } }).response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'person', schema, strict: true },
    });
  });

  it('sends max_tokens instead where the server knows only the legacy field', () => {
    const body = convert({ model: 'auto', messages: [], maxOutputTokens: 100 }, false, { maxTokensField: 'max_tokens' });
    expect(body.max_tokens).toBe(100);
    expect(body).not.toHaveProperty('max_completion_tokens');
  });

  it('always asks for stream usage when streaming, unless the server rejects it', () => {
    expect(convert({ model: 'auto', messages: [], includeUsage: false }, true)).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    const without = convert({ model: 'auto', messages: [] }, true, { streamUsage: false });
    expect(without.stream).toBe(true);
    expect(without).not.toHaveProperty('stream_options');
    const nonStreaming = convert({ model: 'auto', messages: [], extra: { stream: true, stream_options: { include_usage: true } } });
    expect(nonStreaming).not.toHaveProperty('stream');
    expect(nonStreaming).not.toHaveProperty('stream_options');
  });

  it('passes extra fields through without letting them override mapped ones', () => {
    const body = convert({ model: 'auto', messages: [{ role: 'user', content: 'hi' }], temperature: 0, extra: { logprobs: true, top_logprobs: 2, model: 'evil', temperature: 2 } });
    expect(body).toMatchObject({ logprobs: true, top_logprobs: 2, model: 'upstream-model', temperature: 0 });
  });

  it('applies server quirks: system for developer, flattened text, no names, renamed and dropped fields', () => {
    const body = convert(
      {
        model: 'auto',
        messages: [
          { role: 'developer', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] },
          { role: 'user', content: [{ type: 'text', text: 'hi' }], name: 'ada' },
        ],
        seed: 3,
        user: 'u',
      },
      false,
      { developerRole: false, flattenTextContent: true, messageNames: false, renameFields: { seed: 'random_seed' }, dropFields: ['user'] },
    );
    expect(body.messages).toEqual([
      { role: 'system', content: 'a\nb' },
      { role: 'user', content: 'hi' },
    ]);
    expect(body.random_seed).toBe(3);
    expect(body).not.toHaveProperty('seed');
    expect(body).not.toHaveProperty('user');
  });
});

/** Field names checked against the official client's request types at compile time. */
const OFFICIAL_FIELDS: ReadonlyArray<keyof ChatCompletionCreateParamsStreaming> = [
  'model', 'messages', 'tools', 'tool_choice', 'parallel_tool_calls', 'response_format', 'temperature', 'top_p',
  'max_completion_tokens', 'max_tokens', 'stop', 'n', 'seed', 'user', 'presence_penalty', 'frequency_penalty',
  'reasoning_effort', 'stream', 'stream_options',
];

describe('convertToOpenAIRequest against the official client types', () => {
  it('sends only fields the official Chat Completions request type declares, with messages it accepts', () => {
    const body = convert(
      {
        model: 'auto',
        messages: [
          { role: 'developer', content: 'Be brief.' },
          { role: 'user', content: [{ type: 'text', text: 'Look:' }, { type: 'image', url: 'https://example.com/a.png', detail: 'high' }] },
          { role: 'assistant', content: null, toolCalls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] },
          { role: 'tool', toolCallId: 'c', content: 'done' },
        ],
        tools: [weatherTool],
        toolChoice: 'required',
        parallelToolCalls: true,
        responseFormat: { type: 'json_schema', jsonSchema: { name: 'x', schema: { type: 'object' }, strict: true } },
        temperature: 1,
        topP: 1,
        maxOutputTokens: 10,
        stop: ['x'],
        n: 1,
        seed: 1,
        user: 'u',
        presencePenalty: 0,
        frequencyPenalty: 0,
        reasoningEffort: 'high',
      },
      true,
    );
    for (const key of Object.keys(body)) expect(OFFICIAL_FIELDS).toContain(key);
    const messages = body.messages as ChatCompletionMessageParam[];
    expect(messages.map((message) => message.role)).toEqual(['developer', 'user', 'assistant', 'tool']);
    expect(messages[1]?.content).toEqual([
      { type: 'text', text: 'Look:' },
      { type: 'image_url', image_url: { url: 'https://example.com/a.png', detail: 'high' } },
    ]);
  });
});
