import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/gateway-error.js';
import { parseChatRequest } from './parse-chat-request.js';
import { parseRoutingHeaders } from './parse-routing-headers.js';

function refusal(body: unknown): GatewayError {
  try {
    parseChatRequest(body);
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    return error as GatewayError;
  }
  throw new Error('expected a refusal');
}

describe('parseChatRequest', () => {
  it('maps every OpenAI field into the neutral request', () => {
    const request = parseChatRequest({
      model: 'auto',
      messages: [
        { role: 'developer', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: 'https://x/cat.png', detail: 'low' } }], name: 'ann' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }], annotations: [] },
        { role: 'tool', tool_call_id: 'c1', content: 'result' },
      ],
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
      tool_choice: { type: 'function', function: { name: 'f' } },
      response_format: { type: 'json_schema', json_schema: { name: 'out', schema: { type: 'object' }, strict: true } },
      temperature: 0.5,
      top_p: 0.9,
      max_tokens: 10,
      max_completion_tokens: 20,
      stop: 'END',
      n: 2,
      seed: 7,
      user: 'u1',
      stream: true,
      stream_options: { include_usage: true },
      presence_penalty: 0.1,
      frequency_penalty: -0.1,
      reasoning_effort: 'low',
      routing: { priorities: { cost: 2, quality: 1 }, max_cost_usd: 0.01, max_latency_ms: 2000, allowed_models: ['a/b'], task: 'coding', timeout_ms: 5000 },
      logprobs: true,
      metadata: { k: 'v' },
    });
    expect(request).toEqual({
      model: 'auto',
      messages: [
        { role: 'developer', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image', url: 'https://x/cat.png', detail: 'low' }], name: 'ann' },
        { role: 'assistant', content: null, toolCalls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
        { role: 'tool', toolCallId: 'c1', content: 'result' },
      ],
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
      toolChoice: { type: 'function', function: { name: 'f' } },
      responseFormat: { type: 'json_schema', jsonSchema: { name: 'out', schema: { type: 'object' }, strict: true } },
      temperature: 0.5,
      topP: 0.9,
      maxOutputTokens: 20,
      stop: ['END'],
      n: 2,
      seed: 7,
      user: 'u1',
      stream: true,
      includeUsage: true,
      presencePenalty: 0.1,
      frequencyPenalty: -0.1,
      reasoningEffort: 'low',
      routing: { priorities: { cost: 2, quality: 1 }, maxCostUsd: 0.01, maxLatencyMs: 2000, allowedModels: ['a/b'], task: 'coding', timeoutMs: 5000 },
      extra: { logprobs: true, metadata: { k: 'v' } },
    });
  });

  it('treats null optional fields as absent', () => {
    expect(parseChatRequest({ model: 'm', messages: [{ role: 'user', content: 'x' }], temperature: null, stop: null, tools: null })).toEqual({
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
    });
  });

  it.each([
    [{ messages: [{ role: 'user', content: 'x' }] }, 'model'],
    [{ model: 'm', messages: [] }, 'messages'],
    [{ model: 'm', messages: [{ role: 'robot', content: 'x' }] }, 'messages[0].role'],
    [{ model: 'm', messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].tool_call_id'],
    [{ model: 'm', messages: [{ role: 'user', content: 'x' }], top_p: 2 }, 'top_p'],
    [{ model: 'm', messages: [{ role: 'user', content: 'x' }], max_tokens: 0 }, 'max_tokens'],
    [{ model: 'm', messages: [{ role: 'user', content: 'x' }], response_format: { type: 'yaml' } }, 'response_format.type'],
    [{ model: 'm', messages: [{ role: 'user', content: 'x' }], routing: { task: 'poetry' } }, 'routing.task'],
    [{ model: 'm', messages: [{ role: 'user', content: 'x' }], routing: { budget: 1 } }, 'routing.budget'],
    [{ model: 'm', messages: [{ role: 'user', content: 'x' }], tool_choice: 'required' }, 'tool_choice'],
    [{ model: 'm', messages: [{ role: 'user', content: 'x' }], stream_options: { include_usage: true } }, 'stream_options'],
  ])('names the bad field: %j -> %s', (body, param) => {
    const error = refusal(body);
    expect(error.code).toBe('invalid_request');
    expect(error.param).toBe(param);
    expect(error.message).toContain(param);
  });

  it('refuses a body that is not an object', () => {
    expect(refusal([1, 2]).code).toBe('invalid_request');
  });
});

describe('parseRoutingHeaders', () => {
  it('reads every x-switchyard header', () => {
    expect(
      parseRoutingHeaders({
        'x-switchyard-priority': 'cost=2, quality=1',
        'x-switchyard-max-cost-usd': '0.05',
        'x-switchyard-max-latency-ms': '1500',
        'x-switchyard-allowed-models': 'a/b, fast',
        'x-switchyard-task': 'math',
        'x-switchyard-timeout-ms': '3000',
        'x-switchyard-policy': 'cheapest',
      }),
    ).toEqual({
      policy: 'cheapest',
      wishes: { priorities: { cost: 2, quality: 1 }, maxCostUsd: 0.05, maxLatencyMs: 1500, allowedModels: ['a/b', 'fast'], task: 'math', timeoutMs: 3000 },
    });
  });

  it('returns nothing when no header is set', () => {
    expect(parseRoutingHeaders({ 'content-type': 'application/json' })).toEqual({});
  });

  it.each([
    ['x-switchyard-priority', 'speed=1'],
    ['x-switchyard-priority', 'cost=-1'],
    ['x-switchyard-max-cost-usd', 'free'],
    ['x-switchyard-task', 'poetry'],
    ['x-switchyard-timeout-ms', '1.5'],
  ])('refuses %s: %s', (header, value) => {
    try {
      parseRoutingHeaders({ [header]: value });
      throw new Error('expected a refusal');
    } catch (error) {
      expect((error as GatewayError).param).toBe(header);
    }
  });
});
