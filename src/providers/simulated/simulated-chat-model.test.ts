import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CallOptions, ChatModel } from '../../spec/chat-model.js';
import type { ChatRequest } from '../../spec/chat-request.js';
import type { StreamPart } from '../../spec/stream-part.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { UpstreamPools } from '../../http/upstream-pools.js';
import { simulatedProvider } from './simulated-provider.js';

const pools = new UpstreamPools();

function model(settings: Record<string, unknown> = {}, name = 'gpt-4o'): ChatModel {
  return simulatedProvider.create({ deploymentId: `simulated/${name}`, model: name, pools, settings: { ttftMs: 400, outputTokensPerSecond: 100, failures: false, ...settings } });
}

const hello: ChatRequest = { model: 'simulated/gpt-4o', messages: [{ role: 'user', content: 'Say hello to the team.' }] };

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 1, maximum: 7 }, unit: { type: 'string', enum: ['c', 'f'] } }, required: ['city', 'days', 'unit'] },
  },
};

/** Runs a call to completion under fake timers and returns its value or throws its error. */
async function settle<T>(promise: Promise<T>): Promise<T> {
  const outcome = promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  await vi.runAllTimersAsync();
  const result = await outcome;
  if (!result.ok) throw result.error;
  return result.value;
}

async function collect(m: ChatModel, request: ChatRequest, options: CallOptions = {}): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const part of m.stream({ ...request, stream: true }, options)) parts.push(part);
  return parts;
}

async function failure(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await settle(promise);
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    return error as GatewayError;
  }
  throw new Error('expected the call to fail');
}

function text(parts: StreamPart[]): string {
  return parts.flatMap((p) => (p.type === 'text-delta' ? [p.text] : [])).join('');
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});
afterAll(async () => {
  await pools.close();
});

describe('simulated provider: answers', () => {
  it('answers deterministically and says it is simulated', async () => {
    const a = await settle(model().complete(hello, {}));
    const b = await settle(model().complete(hello, {}));
    const other = await settle(model().complete({ ...hello, messages: [{ role: 'user', content: 'Something else entirely.' }] }, {}));
    const content = a.choices[0]?.message.content ?? '';
    expect(content.startsWith('[simulated gpt-4o]')).toBe(true);
    expect(b.choices[0]?.message.content).toBe(content);
    expect(other.choices[0]?.message.content).not.toBe(content);
    expect(a.choices[0]?.finishReason).toBe('stop');
    expect(a.usage.inputTokens).toBeGreaterThan(0);
    expect(a.usage.outputTokens).toBeGreaterThan(0);
  });

  it('reports usage with the token counter it was given', async () => {
    const words = (s: string): number => s.split(/\s+/).filter(Boolean).length;
    const response = await settle(model({ countTokens: words }).complete(hello, {}));
    expect(response.usage.outputTokens).toBe(words(response.choices[0]?.message.content ?? ''));
  });

  it('honours max tokens with finish length', async () => {
    const response = await settle(model().complete({ ...hello, maxOutputTokens: 5 }, {}));
    expect(response.choices[0]?.finishReason).toBe('length');
    expect(response.usage.outputTokens).toBeLessThanOrEqual(5);
    expect(response.usage.outputTokens).toBeGreaterThan(0);
  });

  it('cuts at a stop sequence', async () => {
    const response = await settle(model().complete({ ...hello, stop: ['hello'] }, {}));
    expect(response.choices[0]?.message.content).toBe('[simulated gpt-4o] Reply to "Say ');
    expect(response.choices[0]?.finishReason).toBe('stop');
  });

  it('produces n choices', async () => {
    const response = await settle(model().complete({ ...hello, n: 2 }, {}));
    expect(response.choices.map((c) => c.index)).toEqual([0, 1]);
  });

  it('calls a required tool with arguments that fit its schema', async () => {
    const response = await settle(model().complete({ ...hello, tools: [weatherTool], toolChoice: 'required' }, {}));
    const choice = response.choices[0];
    expect(choice?.finishReason).toBe('tool_calls');
    expect(choice?.message.content).toBeNull();
    const call = choice?.message.toolCalls?.[0];
    expect(call?.function.name).toBe('get_weather');
    const args = JSON.parse(call?.function.arguments ?? 'null') as { city: unknown; days: number; unit: unknown };
    expect(typeof args.city).toBe('string');
    expect(Number.isInteger(args.days) && args.days >= 1 && args.days <= 7).toBe(true);
    expect(['c', 'f']).toContain(args.unit);
  });

  it('calls a named tool, answers a tool result in text, and never calls under none', async () => {
    const other = { type: 'function' as const, function: { name: 'other', parameters: { type: 'object', properties: {} } } };
    const named = await settle(model().complete({ ...hello, tools: [other, weatherTool], toolChoice: { type: 'function', function: { name: 'get_weather' } } }, {}));
    expect(named.choices[0]?.message.toolCalls?.[0]?.function.name).toBe('get_weather');
    const none = await settle(model().complete({ ...hello, tools: [weatherTool], toolChoice: 'none' }, {}));
    expect(none.choices[0]?.message.toolCalls).toBeUndefined();
    const afterResult = await settle(
      model().complete(
        {
          ...hello,
          tools: [weatherTool],
          messages: [
            ...hello.messages,
            { role: 'assistant', content: null, toolCalls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }] },
            { role: 'tool', toolCallId: 'c1', content: 'sunny' },
          ],
        },
        {},
      ),
    );
    expect(afterResult.choices[0]?.finishReason).toBe('stop');
  });

  it('returns valid JSON in json_object and json_schema modes', async () => {
    const object = await settle(model().complete({ ...hello, responseFormat: { type: 'json_object' } }, {}));
    expect(JSON.parse(object.choices[0]?.message.content ?? '')).toMatchObject({ simulated: true });
    const schema = { type: 'object', properties: { name: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } }, ok: { type: 'boolean' } }, required: ['name', 'tags', 'ok'] };
    const structured = await settle(model().complete({ ...hello, responseFormat: { type: 'json_schema', jsonSchema: { name: 'x', schema } } }, {}));
    const value = JSON.parse(structured.choices[0]?.message.content ?? '') as Record<string, unknown>;
    expect(typeof value.name).toBe('string');
    expect(Array.isArray(value.tags)).toBe(true);
    expect(typeof value.ok).toBe('boolean');
  });

  it('refuses a prompt larger than its context window', async () => {
    const error = await failure(model({ contextWindow: 50 }).complete({ ...hello, messages: [{ role: 'user', content: 'word '.repeat(400) }] }, {}));
    expect(error.code).toBe('context_length_exceeded');
    expect(error.outcome).toBe('context_overflow');
  });

  it('embeds into deterministic unit vectors', async () => {
    const m = model();
    const a = await settle(m.embed!({ model: 'x', input: ['alpha', 'beta'], dimensions: 64 }, {}));
    const b = await settle(m.embed!({ model: 'x', input: ['alpha'], dimensions: 64 }, {}));
    expect(a.embeddings).toHaveLength(2);
    expect(a.embeddings[0]).toHaveLength(64);
    expect(a.embeddings[0]).toEqual(b.embeddings[0]);
    expect(a.embeddings[1]).not.toEqual(a.embeddings[0]);
    const norm = Math.sqrt((a.embeddings[0] ?? []).reduce((s, v) => s + v * v, 0));
    expect(norm).toBeCloseTo(1, 10);
    expect(a.usage.inputTokens).toBeGreaterThan(0);
  });

  it('reports a repeated long prompt prefix as cached input in 128-token steps', async () => {
    const m = model();
    const system = { role: 'system' as const, content: 'Policy clause. '.repeat(400) };
    const first = await settle(m.complete({ ...hello, messages: [system, { role: 'user', content: 'First question?' }] }, {}));
    expect(first.usage.cachedInputTokens).toBeUndefined();
    const second = await settle(m.complete({ ...hello, messages: [system, { role: 'user', content: 'Second question?' }] }, {}));
    const cached = second.usage.cachedInputTokens ?? 0;
    expect(cached).toBeGreaterThanOrEqual(1024);
    expect(cached % 128).toBe(0);
    expect(cached).toBeLessThan(second.usage.inputTokens);
    const off = model({ promptCaching: false });
    await settle(off.complete({ ...hello, messages: [system, { role: 'user', content: 'First question?' }] }, {}));
    const uncached = await settle(off.complete({ ...hello, messages: [system, { role: 'user', content: 'Second question?' }] }, {}));
    expect(uncached.usage.cachedInputTokens).toBeUndefined();
  });

  it('never reports a short prompt as cached', async () => {
    const m = model();
    await settle(m.complete(hello, {}));
    const again = await settle(m.complete(hello, {}));
    expect(again.usage.cachedInputTokens).toBeUndefined();
  });

  it('refuses unknown settings at creation', () => {
    expect(() => model({ ttftMS: 5 })).toThrow(GatewayError);
    expect(() => model({ failureRates: { rate_limited: 2 } })).toThrow(/failureRates/);
  });
});

describe('simulated provider: streaming and timing', () => {
  it('streams the same text as complete(), then finish and usage', async () => {
    const parts = await settle(collect(model(), hello));
    const full = await settle(model().complete(hello, {}));
    expect(parts[0]?.type).toBe('start');
    expect(parts.filter((p) => p.type === 'text-delta').length).toBeGreaterThan(2);
    expect(text(parts)).toBe(full.choices[0]?.message.content);
    expect(parts.at(-2)).toEqual({ type: 'finish', choiceIndex: 0, finishReason: 'stop' });
    expect(parts.at(-1)).toEqual({ type: 'usage', usage: full.usage });
  });

  it('sends the first token after the configured TTFT', async () => {
    const seen: StreamPart[] = [];
    const done = (async () => {
      for await (const part of model({ ttftMs: 400 }).stream(hello, {})) seen.push(part);
    })();
    await vi.advanceTimersByTimeAsync(399);
    expect(seen.some((p) => p.type === 'text-delta')).toBe(false);
    await vi.advanceTimersByTimeAsync(2);
    expect(seen.some((p) => p.type === 'text-delta')).toBe(true);
    await vi.runAllTimersAsync();
    await done;
  });

  it('paces a non-streaming answer by TTFT plus tokens per second', async () => {
    const words = (s: string): number => s.split(/\s+/).filter(Boolean).length;
    const m = model({ ttftMs: 400, outputTokensPerSecond: 10, countTokens: words });
    let settled = false;
    const call = m.complete(hello, {}).then((r) => {
      settled = true;
      return r;
    });
    await vi.advanceTimersByTimeAsync(400);
    expect(settled).toBe(false);
    await vi.runAllTimersAsync();
    const response = await call;
    expect(response.usage.outputTokens).toBeGreaterThan(0);
  });

  it('streams tool-call deltas that join into the arguments', async () => {
    const parts = await settle(collect(model(), { ...hello, tools: [weatherTool], toolChoice: 'required' }));
    const deltas = parts.filter((p) => p.type === 'tool-call-delta');
    expect(deltas[0]?.type === 'tool-call-delta' && deltas[0].name).toBe('get_weather');
    const args = deltas.map((p) => (p.type === 'tool-call-delta' ? p.argumentsDelta : '')).join('');
    expect(JSON.parse(args)).toHaveProperty('city');
    expect(parts.some((p) => p.type === 'finish' && p.finishReason === 'tool_calls')).toBe(true);
  });

  it('raises first_token_timeout when TTFT exceeds the deadline', async () => {
    const error = await failure(collect(model({ ttftMs: 1000 }), hello, { deadlines: { firstTokenMs: 200 } }));
    expect(error.code).toBe('first_token_timeout');
    const nonStreaming = await failure(model({ ttftMs: 1000 }).complete(hello, { deadlines: { firstTokenMs: 200 } }));
    expect(nonStreaming.code).toBe('first_token_timeout');
  });

  it('raises idle_timeout when tokens come slower than the idle deadline', async () => {
    const error = await failure(collect(model({ ttftMs: 10, outputTokensPerSecond: 1 }), hello, { deadlines: { idleMs: 100 } }));
    expect(error.code).toBe('idle_timeout');
  });

  it('raises total_timeout when the answer runs past the total deadline', async () => {
    const error = await failure(collect(model({ ttftMs: 10, outputTokensPerSecond: 5 }), hello, { deadlines: { totalMs: 500 } }));
    expect(error.code).toBe('total_timeout');
  });

  it('stops with client_closed when the caller aborts', async () => {
    const controller = new AbortController();
    const parts: StreamPart[] = [];
    const run = (async () => {
      for await (const part of model({ outputTokensPerSecond: 5 }).stream(hello, { signal: controller.signal })) {
        parts.push(part);
        if (part.type === 'text-delta') controller.abort();
      }
    })();
    const error = await failure(run);
    expect(error.code).toBe('client_closed');
    expect(parts.filter((p) => p.type === 'text-delta')).toHaveLength(1);
    const aborted = new AbortController();
    aborted.abort();
    expect((await failure(model().complete(hello, { signal: aborted.signal }))).code).toBe('client_closed');
  });
});

describe('simulated provider: failures', () => {
  const cases = [
    ['rate_limited', 'rate_limited', 'rate_limited'],
    ['overloaded', 'overloaded', 'overloaded'],
    ['server_error', 'upstream_server_error', 'server_error'],
    ['content_filtered', 'content_filtered', 'content_filtered'],
  ] as const;
  for (const [kind, code, outcome] of cases) {
    it(`fails with ${code} at a ${kind} rate of 1`, async () => {
      const error = await failure(model({ failures: true, failureRates: { [kind]: 1 } }).complete(hello, {}));
      expect(error.code).toBe(code);
      expect(error.outcome).toBe(outcome);
      if (kind === 'rate_limited') expect(error.retryAfterMs).toBeGreaterThan(0);
      const streamed = await failure(collect(model({ failures: true, failureRates: { [kind]: 1 } }), hello));
      expect(streamed.code).toBe(code);
    });
  }

  it('cuts a stream after the first content with a network error', async () => {
    const parts: StreamPart[] = [];
    const run = (async () => {
      for await (const part of model({ failures: true, failureRates: { network: 1 } }).stream(hello, {})) parts.push(part);
    })();
    const error = await failure(run);
    expect(error.outcome).toBe('network');
    expect(parts.some((p) => p.type === 'text-delta')).toBe(true);
    expect(parts.some((p) => p.type === 'finish')).toBe(false);
  });

  it('stalls until the deadline on a timeout failure', async () => {
    const error = await failure(model({ failures: true, failureRates: { timeout: 1 } }).complete(hello, { deadlines: { firstTokenMs: 3000 } }));
    expect(error.code).toBe('first_token_timeout');
    const undeadlined = await failure(model({ failures: true, failureRates: { timeout: 1 }, stallMs: 5000 }).complete(hello, {}));
    expect(undeadlined.outcome).toBe('timeout');
  });

  it('never fails when failures are turned off', async () => {
    const response = await settle(model({ failures: false, failureRates: { server_error: 1 } }).complete(hello, {}));
    expect(response.choices).toHaveLength(1);
  });

  it('repeats the same failure sequence for the same seed', async () => {
    const outcomes = async (): Promise<string[]> => {
      const m = model({ failures: true, seed: 42, failureRates: { rate_limited: 0.2, server_error: 0.2 } });
      const out: string[] = [];
      for (let i = 0; i < 20; i += 1) {
        try {
          await settle(m.complete(hello, {}));
          out.push('ok');
        } catch (error) {
          out.push((error as GatewayError).code);
        }
      }
      return out;
    };
    const first = await outcomes();
    expect(await outcomes()).toEqual(first);
    expect(first).toContain('ok');
    expect(first.some((o) => o !== 'ok')).toBe(true);
  });
});
