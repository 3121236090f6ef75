import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatStream, StreamSettlement } from '../engine/gateway.js';
import type { Decision } from '../spec/decision.js';
import type { StreamPart } from '../spec/stream-part.js';
import { writeChatStream } from './write-chat-stream.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** The parts as the engine's tail hands them out: the first through next(), the rest at hand through nextReady(). */
function readySource(parts: StreamPart[]): AsyncIterableIterator<StreamPart> & { nextReady(): StreamPart | undefined } {
  const queue = [...parts];
  return {
    next: () => Promise.resolve(queue.length > 0 ? { value: queue.shift()!, done: false as const } : { value: undefined, done: true as const }),
    nextReady: () => queue.shift(),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

async function written(parts: StreamPart[], ready = false): Promise<string[]> {
  const settlement: StreamSettlement = { deploymentId: 'd/one', attempts: [], usage: { inputTokens: 3, outputTokens: 4 }, costUsd: 0.001, costEstimated: false, outcome: 'ok' };
  const stream: ChatStream = {
    decision: { id: 'dec-1' } as Decision,
    deploymentId: 'd/one',
    failedAttempts: [],
    parts: ready
      ? readySource(parts)
      : (async function* () {
          yield* parts;
        })(),
    settlement: Promise.resolve(settlement),
  };
  server = createServer((_req, res) => void writeChatStream(res, stream, { includeUsage: true, requestId: 'r1' }));
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const text = await (await fetch(`http://127.0.0.1:${port}/`)).text();
  return text.split('\n\n').filter(Boolean).map((event) => event.replace(/^data: /, ''));
}

describe('writeChatStream', () => {
  it('writes every chunk as the JSON.stringify of its object, the role in the first delta only', async () => {
    const events = await written([
      { type: 'start', id: 'chatcmpl-9', model: 'gpt-4o-mini', created: 1_765_000_000 },
      { type: 'text-delta', choiceIndex: 0, text: 'Hel' },
      { type: 'text-delta', choiceIndex: 0, text: 'lo "quoted" \\ \n\u2028 é' },
      { type: 'text-delta', choiceIndex: 1, text: 'second choice' },
      { type: 'text-delta', choiceIndex: 1, text: '!' },
      { type: 'finish', choiceIndex: 0, finishReason: 'stop' },
      { type: 'finish', choiceIndex: 1, finishReason: 'length' },
    ]);
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1);
    for (const line of chunks) expect(line).toBe(JSON.stringify(JSON.parse(line)));
    const deltas = chunks.map((line) => JSON.parse(line) as { id: string; model: string; created: number; choices: Array<{ index: number; delta: Record<string, unknown> }> });
    expect(deltas.slice(0, 4).map((c) => [c.choices[0]?.index, c.choices[0]?.delta])).toEqual([
      [0, { role: 'assistant', content: 'Hel' }],
      [0, { content: 'lo "quoted" \\ \n\u2028 é' }],
      [1, { role: 'assistant', content: 'second choice' }],
      [1, { content: '!' }],
    ]);
    expect(chunks[1]).toBe(
      JSON.stringify({ id: 'chatcmpl-9', object: 'chat.completion.chunk', created: 1_765_000_000, model: 'gpt-4o-mini', choices: [{ index: 0, delta: { content: 'lo "quoted" \\ \n\u2028 é' }, logprobs: null, finish_reason: null }] }),
    );
    for (const chunk of deltas) expect([chunk.id, chunk.model, chunk.created]).toEqual(['chatcmpl-9', 'gpt-4o-mini', 1_765_000_000]);
  });

  it('writes parts taken at hand through nextReady exactly as parts read one by one', async () => {
    const parts: StreamPart[] = [
      { type: 'start', id: 'chatcmpl-9', model: 'gpt-4o-mini', created: 1_765_000_000 },
      { type: 'text-delta', choiceIndex: 0, text: 'Hel' },
      { type: 'text-delta', choiceIndex: 0, text: 'lo' },
      { type: 'finish', choiceIndex: 0, finishReason: 'stop' },
    ];
    const oneByOne = await written(parts);
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
    expect(await written(parts, true)).toEqual(oneByOne);
    expect(oneByOne).toHaveLength(5);
  });
});
