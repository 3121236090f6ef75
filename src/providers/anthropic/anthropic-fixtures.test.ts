import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ChatModel } from '../../spec/chat-model.js';
import type { ChatRequest } from '../../spec/chat-request.js';
import type { StreamPart } from '../../spec/stream-part.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { UpstreamPools } from '../../http/upstream-pools.js';
import { startFakeUpstream, type FakeReply, type FakeUpstream } from '../../../test/support/fake-upstream.js';
import { loadFixtureChunks, loadFixtureJson } from '../../../test/support/fixtures.js';
import { anthropicProvider } from './anthropic-provider.js';

const DIR = 'providers/anthropic';
const request: ChatRequest = { model: 'claude', messages: [{ role: 'user', content: 'Hello' }] };
const jsonRequest: ChatRequest = {
  ...request,
  responseFormat: { type: 'json_schema', jsonSchema: { name: 'weather', schema: { type: 'object', properties: { elements: { type: 'array' } } } } },
};

function chunksReply(name: string): FakeReply {
  const payloads = loadFixtureChunks(`${DIR}/${name}`) as Array<{ type: string }>;
  return { kind: 'sse', events: payloads.map((data) => ({ event: data.type, data })) };
}

interface Collected {
  parts: StreamPart[];
  text: string;
  reasoning: string;
  refusal: string;
  tools: Array<{ id?: string; name?: string; arguments: string }>;
  finishes: string[];
  usage: StreamPart & { type: 'usage' } | undefined;
}

function summarize(parts: StreamPart[]): Collected {
  const tools: Collected['tools'] = [];
  let text = '';
  let reasoning = '';
  let refusal = '';
  for (const part of parts) {
    if (part.type === 'text-delta') text += part.text;
    if (part.type === 'reasoning-delta') reasoning += part.text;
    if (part.type === 'refusal-delta') refusal += part.text;
    if (part.type === 'tool-call-delta') {
      const call = (tools[part.toolIndex] ??= { arguments: '' });
      if (part.id !== undefined) call.id = part.id;
      if (part.name !== undefined) call.name = part.name;
      call.arguments += part.argumentsDelta;
    }
  }
  return {
    parts,
    text,
    reasoning,
    refusal,
    tools,
    finishes: parts.flatMap((p) => (p.type === 'finish' ? [p.finishReason] : [])),
    usage: parts.find((p): p is StreamPart & { type: 'usage' } => p.type === 'usage'),
  };
}

describe('anthropic adapter: recorded fixtures', () => {
  let upstream: FakeUpstream;
  let pools: UpstreamPools;
  let model: ChatModel;

  beforeAll(async () => {
    upstream = await startFakeUpstream(() => ({ kind: 'text', status: 500, body: 'no handler' }));
    pools = new UpstreamPools();
    model = anthropicProvider.create({ deploymentId: 'anthropic/fixtures', model: 'claude-sonnet-4-5', baseUrl: `${upstream.url}/v1`, apiKey: 'sk-ant-fixture', pools });
  });
  afterAll(async () => {
    await pools.close();
    await upstream.close();
  });

  async function complete(name: string, req: ChatRequest = request) {
    upstream.setHandler(() => ({ kind: 'json', body: loadFixtureJson(`${DIR}/${name}`) }));
    return model.complete(req, {});
  }

  async function stream(name: string, req: ChatRequest = request): Promise<Collected> {
    upstream.setHandler(() => chunksReply(name));
    const parts: StreamPart[] = [];
    for await (const part of model.stream({ ...req, stream: true }, {})) parts.push(part);
    return summarize(parts);
  }

  async function streamFailure(name: string): Promise<{ error: GatewayError; seen: Collected }> {
    upstream.setHandler(() => chunksReply(name));
    const parts: StreamPart[] = [];
    try {
      for await (const part of model.stream({ ...request, stream: true }, {})) parts.push(part);
    } catch (error) {
      expect(error).toBeInstanceOf(GatewayError);
      return { error: error as GatewayError, seen: summarize(parts) };
    }
    throw new Error('expected the stream to fail');
  }

  it('covers every recorded fixture', () => {
    const recorded = readdirSync(fileURLToPath(new URL(`../../../test/fixtures/${DIR}`, import.meta.url))).filter((f) => !f.startsWith('switchyard-'));
    expect(recorded.sort()).toEqual([
      'anthropic-fallback.chunks.txt', 'anthropic-fallback.json',
      'anthropic-json-tool.1.chunks.txt', 'anthropic-json-tool.1.json',
      'anthropic-message-delta-input-tokens.chunks.txt',
      'anthropic-refusal.chunks.txt', 'anthropic-refusal.json',
      'anthropic-text.chunks.txt', 'anthropic-text.json',
      'anthropic-tool-no-args.chunks.txt', 'anthropic-tool-no-args.json',
      'duplicate-message-start.chunks.txt',
    ]);
  });

  describe('non-streaming', () => {
    it('anthropic-text.json', async () => {
      const response = await complete('anthropic-text.json');
      expect(response.id).toBe('msg_01VdEjxAP5ahtHKrrRdNBteQ');
      expect(response.model).toBe('claude-sonnet-4-5-20250929');
      expect(response.choices).toHaveLength(1);
      expect(response.choices[0]?.message.content).toBe("Hello! I'm doing well, thanks for asking. How are you doing today? Is there anything I can help you with?");
      expect(response.choices[0]?.finishReason).toBe('stop');
      expect(response.usage).toEqual({ inputTokens: 12, outputTokens: 29 });
    });

    it('anthropic-tool-no-args.json: text and a call without arguments', async () => {
      const response = await complete('anthropic-tool-no-args.json');
      const message = response.choices[0]?.message;
      expect(message?.content).toMatch(/^<thinking>\nThe updateIssueList tool/);
      expect(message?.toolCalls).toEqual([{ id: 'toolu_01LRmxn9vGM1d2DZSDBowdZ1', type: 'function', function: { name: 'updateIssueList', arguments: '{}' } }]);
      expect(response.choices[0]?.finishReason).toBe('tool_calls');
      expect(response.usage).toEqual({ inputTokens: 602, outputTokens: 93 });
    });

    it('anthropic-json-tool.1.json: without a JSON response format the json tool is an ordinary call', async () => {
      const response = await complete('anthropic-json-tool.1.json');
      const call = response.choices[0]?.message.toolCalls?.[0];
      expect(call?.function.name).toBe('json');
      expect(JSON.parse(call?.function.arguments ?? '')).toMatchObject({ elements: [{ location: 'San Francisco', temperature: -5 }, {}, {}, {}] });
      expect(response.choices[0]?.finishReason).toBe('tool_calls');
    });

    it('anthropic-json-tool.1.json: with a JSON response format the tool input is the text answer', async () => {
      const response = await complete('anthropic-json-tool.1.json', jsonRequest);
      const message = response.choices[0]?.message;
      expect(message?.toolCalls).toBeUndefined();
      expect(JSON.parse(message?.content ?? '')).toEqual({
        elements: [
          { location: 'San Francisco', temperature: -5, condition: 'snowy' },
          { location: 'London', temperature: 0, condition: 'snowy' },
          { location: 'Paris', temperature: 23, condition: 'cloudy' },
          { location: 'Berlin', temperature: -9, condition: 'snowy' },
        ],
      });
      expect(response.choices[0]?.finishReason).toBe('stop');
      expect(response.usage).toEqual({ inputTokens: 1151, outputTokens: 87 });
    });

    it('anthropic-refusal.json: no content, a content_filter finish and the explanation as refusal', async () => {
      const response = await complete('anthropic-refusal.json');
      expect(response.choices[0]?.message.content).toBeNull();
      expect(response.choices[0]?.message.refusal).toMatch(/violative cyber content/);
      expect(response.choices[0]?.finishReason).toBe('content_filter');
      expect(response.usage).toEqual({ inputTokens: 18, outputTokens: 5 });
    });

    it('anthropic-fallback.json: skips the fallback marker block and reports the answering model', async () => {
      const response = await complete('anthropic-fallback.json');
      expect(response.model).toBe('claude-opus-4-8');
      expect(response.choices[0]?.message.content).toBe('The printing press was invented by Johannes Gutenberg around 1440.');
      expect(response.usage).toEqual({ inputTokens: 412, outputTokens: 264 });
    });

    it('switchyard-thinking-cache.json: reasoning, redacted thinking skipped, cache tokens counted in the prompt', async () => {
      const response = await complete('switchyard-thinking-cache.json');
      expect(response.choices[0]?.message).toEqual({ role: 'assistant', content: '4', reasoning: 'Two plus two is four.' });
      expect(response.choices[0]?.finishReason).toBe('stop');
      expect(response.usage).toEqual({ inputTokens: 14 + 3000 + 1200, outputTokens: 31, cachedInputTokens: 3000, cacheWriteTokens: 1200 });
    });
  });

  describe('streaming', () => {
    it('anthropic-text.chunks.txt', async () => {
      const out = await stream('anthropic-text.chunks.txt');
      expect(out.parts[0]).toMatchObject({ type: 'start', id: 'msg_01QC4g3HwBThD4BaNtBckFDJ', model: 'claude-sonnet-4-5-20250929' });
      expect(out.text).toBe("Hello! I'm doing well, thank you for asking. How are you doing today? Is there anything I can help you with?");
      expect(out.finishes).toEqual(['stop']);
      expect(out.usage?.usage).toEqual({ inputTokens: 12, outputTokens: 30 });
      expect(out.parts.at(-1)?.type).toBe('usage');
    });

    it('anthropic-tool-no-args.chunks.txt: text then a call whose arguments become {}', async () => {
      const out = await stream('anthropic-tool-no-args.chunks.txt');
      expect(out.text).toBe("I'll update the issue list for you.");
      expect(out.tools).toEqual([{ id: 'toolu_01QE1WLsSVp5hy5Q3GmGTmjP', name: 'updateIssueList', arguments: '{}' }]);
      expect(out.finishes).toEqual(['tool_calls']);
      expect(out.usage?.usage).toEqual({ inputTokens: 565, outputTokens: 48 });
    });

    it('anthropic-json-tool.1.chunks.txt: a tool call, or text under a JSON response format', async () => {
      const asTool = await stream('anthropic-json-tool.1.chunks.txt');
      expect(asTool.tools[0]?.name).toBe('json');
      expect(JSON.parse(asTool.tools[0]?.arguments ?? '')).toEqual({ elements: [{ location: 'San Francisco', temperature: 58, condition: 'sunny' }] });
      expect(asTool.finishes).toEqual(['tool_calls']);

      const asJson = await stream('anthropic-json-tool.1.chunks.txt', jsonRequest);
      expect(asJson.tools).toEqual([]);
      expect(JSON.parse(asJson.text)).toEqual({ elements: [{ location: 'San Francisco', temperature: 58, condition: 'sunny' }] });
      expect(asJson.finishes).toEqual(['stop']);
      expect(asJson.usage?.usage).toEqual({ inputTokens: 849, outputTokens: 47 });
    });

    it('anthropic-message-delta-input-tokens.chunks.txt: late input tokens win', async () => {
      const out = await stream('anthropic-message-delta-input-tokens.chunks.txt');
      expect(out.text).toBe('pong');
      expect(out.usage?.usage).toEqual({ inputTokens: 61, outputTokens: 2 });
    });

    it('anthropic-refusal.chunks.txt: a refusal with no content', async () => {
      const out = await stream('anthropic-refusal.chunks.txt');
      expect(out.text).toBe('');
      expect(out.refusal).toMatch(/violative cyber content/);
      expect(out.finishes).toEqual(['content_filter']);
      expect(out.usage?.usage).toEqual({ inputTokens: 18, outputTokens: 5 });
    });

    it('anthropic-fallback.chunks.txt: skips the fallback block; usage from message_delta', async () => {
      const out = await stream('anthropic-fallback.chunks.txt');
      expect(out.text).toBe('The printing press was invented by Johannes Gutenberg around 1440.');
      expect(out.finishes).toEqual(['stop']);
      expect(out.usage?.usage).toEqual({ inputTokens: 412, outputTokens: 264 });
    });

    it('duplicate-message-start.chunks.txt: a repeated start of the same message is ignored', async () => {
      const out = await stream('duplicate-message-start.chunks.txt');
      expect(out.parts.filter((p) => p.type === 'start')).toHaveLength(1);
      expect(out.text).toBe('Hello, World!');
      expect(out.finishes).toEqual(['stop']);
      expect(out.usage?.usage).toEqual({ inputTokens: 17, outputTokens: 227 });
    });

    it('switchyard-thinking-cache.chunks.txt: reasoning deltas, signature ignored, max_tokens -> length', async () => {
      const out = await stream('switchyard-thinking-cache.chunks.txt');
      expect(out.reasoning).toBe('The user wants a number. Two plus two is four.');
      expect(out.text).toBe('4');
      expect(out.finishes).toEqual(['length']);
      expect(out.usage?.usage).toEqual({ inputTokens: 4214, outputTokens: 31, cachedInputTokens: 3000, cacheWriteTokens: 1200 });
    });

    it('switchyard-stream-overloaded-error.chunks.txt: an in-stream error event is a typed overloaded error', async () => {
      const { error, seen } = await streamFailure('switchyard-stream-overloaded-error.chunks.txt');
      expect(error.code).toBe('overloaded');
      expect(error.outcome).toBe('overloaded');
      expect(error.retryable).toBe(true);
      expect(seen.text).toBe('Once upon');
      expect(seen.finishes).toEqual([]);
    });

    it('switchyard-stream-no-message-stop.chunks.txt: a stream without message_stop fails, never finishes', async () => {
      const { error, seen } = await streamFailure('switchyard-stream-no-message-stop.chunks.txt');
      expect(error.code).toBe('network_error');
      expect(error.message).toMatch(/message_stop/);
      expect(seen.text).toBe('Partial answ');
      expect(seen.finishes).toEqual([]);
      expect(seen.usage).toBeUndefined();
    });
  });
});
