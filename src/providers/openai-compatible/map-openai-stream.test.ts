import { describe, expect, it } from 'vitest';
import type { StreamPart } from '../../spec/stream-part.js';
import { GatewayError } from '../../errors/gateway-error.js';
import type { SseEvent } from '../../http/sse-parser.js';
import { mapOpenAIStream } from './map-openai-stream.js';

const context = { deploymentId: 'test/model', model: 'configured-model' };

async function* eventsOf(payloads: unknown[]): AsyncGenerator<SseEvent> {
  for (const payload of payloads) yield { data: typeof payload === 'string' ? payload : JSON.stringify(payload) };
}

async function run(payloads: unknown[]): Promise<StreamPart[]> {
  const out: StreamPart[] = [];
  for await (const part of mapOpenAIStream(eventsOf(payloads), context)) out.push(part);
  return out;
}

const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => ({ id: 'c1', created: 5, model: 'm', choices, ...extra });

describe('mapOpenAIStream', () => {
  it('interleaves two streamed tool calls by index, with id and name only on the first delta', async () => {
    const parts = await run([
      chunk([{ index: 0, delta: { role: 'assistant', tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'a', arguments: '' } }] } }]),
      chunk([{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{"x":' } }] } }]),
      chunk([{ index: 0, delta: { tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'b', arguments: '{}' } }] } }]),
      chunk([{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '1}' } }] } }]),
      chunk([{ index: 0, delta: {}, finish_reason: 'tool_calls' }]),
      '[DONE]',
    ]);
    expect(parts.filter((part) => part.type === 'tool-call-delta')).toEqual([
      { type: 'tool-call-delta', choiceIndex: 0, toolIndex: 0, id: 'call_a', name: 'a', argumentsDelta: '' },
      { type: 'tool-call-delta', choiceIndex: 0, toolIndex: 0, argumentsDelta: '{"x":' },
      { type: 'tool-call-delta', choiceIndex: 0, toolIndex: 1, id: 'call_b', name: 'b', argumentsDelta: '{}' },
      { type: 'tool-call-delta', choiceIndex: 0, toolIndex: 0, argumentsDelta: '1}' },
    ]);
    expect(parts.at(-1)).toEqual({ type: 'finish', choiceIndex: 0, finishReason: 'tool_calls' });
  });

  it('maps refusal and reasoning deltas and keeps choices apart', async () => {
    const parts = await run([
      chunk([{ index: 0, delta: { reasoning_content: 'thinking' } }, { index: 1, delta: { refusal: 'I cannot' } }]),
      chunk([{ index: 0, delta: { content: 'ok' }, finish_reason: 'stop' }, { index: 1, delta: {}, finish_reason: 'stop' }]),
      '[DONE]',
    ]);
    expect(parts).toEqual([
      { type: 'start', id: 'c1', model: 'm', created: 5 },
      { type: 'reasoning-delta', choiceIndex: 0, text: 'thinking' },
      { type: 'refusal-delta', choiceIndex: 1, text: 'I cannot' },
      { type: 'text-delta', choiceIndex: 0, text: 'ok' },
      { type: 'finish', choiceIndex: 0, finishReason: 'stop' },
      { type: 'finish', choiceIndex: 1, finishReason: 'stop' },
    ]);
  });

  it('holds the finish back until [DONE] so a cut after it is not mistaken for completion', async () => {
    const source = eventsOf([chunk([{ index: 0, delta: { content: 'hi' } }]), chunk([{ index: 0, delta: {}, finish_reason: 'length' }])]);
    async function* cut(): AsyncGenerator<SseEvent> {
      yield* source;
      throw new GatewayError('network_error', 'socket closed');
    }
    const seen: StreamPart[] = [];
    await expect(
      (async () => {
        for await (const part of mapOpenAIStream(cut(), context)) seen.push(part);
      })(),
    ).rejects.toMatchObject({ code: 'network_error' });
    expect(seen.map((part) => part.type)).toEqual(['start', 'text-delta']);
  });

  it('reads Groq usage from x_groq and falls back to the configured model name', async () => {
    const parts = await run([
      { id: 'g', created: 1, model: '', choices: [{ index: 0, delta: { content: 'a' }, finish_reason: 'stop' }], x_groq: { usage: { prompt_tokens: 9, completion_tokens: 1 } } },
      '[DONE]',
    ]);
    expect(parts[0]).toEqual({ type: 'start', id: 'g', model: 'configured-model', created: 1 });
    expect(parts.at(-1)).toEqual({ type: 'usage', usage: { inputTokens: 9, outputTokens: 1 } });
  });

  it('fails on a chunk that is not JSON', async () => {
    await expect(run(['{"id": "broken'])).rejects.toMatchObject({ code: 'upstream_bad_response' });
  });

  it('fails on a stream that ends with nothing at all', async () => {
    await expect(run([])).rejects.toMatchObject({ code: 'network_error' });
  });

  it('maps a context overflow reported inside the stream', async () => {
    await expect(run([{ error: { message: "This model's maximum context length is 4096 tokens.", type: 'invalid_request_error', code: null } }])).rejects.toMatchObject({
      code: 'context_length_exceeded',
      outcome: 'context_overflow',
    });
  });
});
