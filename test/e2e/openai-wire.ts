import type { FakeReply } from '../support/fake-upstream.js';

/** Replies in OpenAI's wire format, as an OpenAI-compatible upstream sends them. */
export function completion(model: string, content: string | null, options: { toolCalls?: unknown[]; usage?: { input: number; output: number } } = {}): FakeReply {
  const usage = options.usage ?? { input: 10, output: 5 };
  return {
    kind: 'json',
    body: {
      id: 'chatcmpl-upstream',
      object: 'chat.completion',
      created: 1_700_000_000,
      model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content, ...(options.toolCalls ? { tool_calls: options.toolCalls } : {}) },
          finish_reason: options.toolCalls ? 'tool_calls' : 'stop',
        },
      ],
      usage: { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output },
    },
  };
}

function chunk(model: string, delta: Record<string, unknown>, finish: string | null = null): Record<string, unknown> {
  return { id: 'chatcmpl-upstream', object: 'chat.completion.chunk', created: 1_700_000_000, model, choices: [{ index: 0, delta, finish_reason: finish }] };
}

export function textStream(model: string, pieces: string[], options: { usage?: { input: number; output: number }; cutAfter?: number; delayMs?: number } = {}): FakeReply {
  const usage = options.usage ?? { input: 10, output: pieces.length };
  const events: Array<{ data: unknown }> = [
    { data: chunk(model, { role: 'assistant', content: '' }) },
    ...pieces.map((piece) => ({ data: chunk(model, { content: piece }) })),
    { data: chunk(model, {}, 'stop') },
    { data: { id: 'chatcmpl-upstream', object: 'chat.completion.chunk', created: 1_700_000_000, model, choices: [], usage: { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output } } },
    { data: '[DONE]' },
  ];
  const reply: FakeReply = { kind: 'sse', events };
  if (options.cutAfter !== undefined) reply.cutAfter = options.cutAfter;
  if (options.delayMs !== undefined) reply.delayMs = options.delayMs;
  return reply;
}

export function toolCallStream(model: string, name: string, argumentPieces: string[]): FakeReply {
  return {
    kind: 'sse',
    events: [
      { data: chunk(model, { role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name, arguments: '' } }] }) },
      ...argumentPieces.map((piece) => ({ data: chunk(model, { tool_calls: [{ index: 0, function: { arguments: piece } }] }) })),
      { data: chunk(model, {}, 'tool_calls') },
      { data: '[DONE]' },
    ],
  };
}

export function openAIError(status: number, code: string, message: string, headers?: Record<string, string>): FakeReply {
  const reply: FakeReply = { kind: 'json', status, body: { error: { message, type: status === 429 ? 'rate_limit_error' : 'invalid_request_error', code, param: null } } };
  if (headers !== undefined) reply.headers = headers;
  return reply;
}
