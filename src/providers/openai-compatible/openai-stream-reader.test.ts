import { describe, expect, it } from 'vitest';
import type { StreamPart } from '../../spec/stream-part.js';
import type { UpstreamResponse } from '../../http/upstream-request.js';
import { OpenAIStreamReader } from './openai-stream-reader.js';

const context = { deploymentId: 'test/one', model: 'm' };

const chunk = (content: string, finish: string | null = null): string =>
  `data: ${JSON.stringify({ id: 'c1', model: 'm', created: 1, choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`;

/** A response whose body is the given chunks; records reads past the script and cancels. */
function fakeResponse(body: string[], log: string[]): UpstreamResponse {
  return {
    status: 200,
    headers: { 'content-type': 'text/event-stream' },
    text: () => Promise.reject(new Error('not read as text')),
    chunks: () =>
      (async function* () {
        for (const [index, text] of body.entries()) {
          log.push(`read ${index}`);
          yield new TextEncoder().encode(text);
        }
        log.push('end');
      })(),
    cancel: () => log.push('cancel'),
  };
}

async function collect(reader: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const out: StreamPart[] = [];
  for await (const part of reader) out.push(part);
  return out;
}

describe('OpenAIStreamReader', () => {
  it('sends nothing until read, hands out parts in order across chunks, and drains the body after [DONE]', async () => {
    const log: string[] = [];
    let opened = 0;
    const reader = new OpenAIStreamReader(async () => {
      opened += 1;
      return fakeResponse([chunk('a') + chunk('b'), chunk('', 'stop').slice(0, 20), chunk('', 'stop').slice(20) + 'data: [DONE]\n\ndata: ignored\n\n', ': tail\n\n'], log);
    }, context);
    expect(opened).toBe(0);
    const parts = await collect(reader);
    expect(parts.map((part) => part.type)).toEqual(['start', 'text-delta', 'text-delta', 'finish']);
    expect(parts.filter((part) => part.type === 'text-delta').map((part) => (part.type === 'text-delta' ? part.text : ''))).toEqual(['a', 'b']);
    expect(log).toEqual(['read 0', 'read 1', 'read 2', 'read 3', 'end', 'cancel']);
  });

  it('gives the parts before a failure first, then throws and cuts the body', async () => {
    const log: string[] = [];
    const reader = new OpenAIStreamReader(async () => fakeResponse([chunk('a') + 'data: {"error":{"message":"boom","type":"server_error"}}\n\n' + chunk('never')], log), context);
    const seen: StreamPart[] = [];
    await expect(async () => {
      for await (const part of reader) seen.push(part);
    }).rejects.toMatchObject({ message: expect.stringContaining('boom') });
    expect(seen.map((part) => part.type)).toEqual(['start', 'text-delta']);
    expect(log).toEqual(['read 0', 'cancel']);
    expect(await reader.next()).toEqual({ value: undefined, done: true });
  });

  it('cuts the body when the reader stops early, and fails a body that ends without [DONE] or a finish', async () => {
    const log: string[] = [];
    for await (const part of new OpenAIStreamReader(async () => fakeResponse([chunk('a'), chunk('b')], log), context)) {
      if (part.type === 'text-delta') break;
    }
    expect(log).toEqual(['read 0', 'cancel']);

    const cut: string[] = [];
    await expect(collect(new OpenAIStreamReader(async () => fakeResponse([chunk('a')], cut), context))).rejects.toMatchObject({ code: 'network_error' });
    expect(cut).toEqual(['read 0', 'end', 'cancel']);
  });

  it('hands out parts of events already read through nextReady, and a failure met there at the next next()', async () => {
    const log: string[] = [];
    const reader = new OpenAIStreamReader(async () => fakeResponse([chunk('a') + chunk('b') + 'data: {"error":{"message":"boom","type":"server_error"}}\n\n'], log), context);
    expect(reader.nextReady()).toBeUndefined();
    expect((await reader.next()).value).toMatchObject({ type: 'start' });
    expect(reader.nextReady()).toMatchObject({ type: 'text-delta', text: 'a' });
    expect(reader.nextReady()).toMatchObject({ type: 'text-delta', text: 'b' });
    expect(reader.nextReady()).toBeUndefined();
    await expect(reader.next()).rejects.toMatchObject({ message: expect.stringContaining('boom') });
    expect(log).toEqual(['read 0', 'cancel']);
  });

  it('hands out the parts of a whole JSON answer without touching a body', async () => {
    const parts: StreamPart[] = [{ type: 'start', id: 'x', model: 'm', created: 1 }, { type: 'text-delta', choiceIndex: 0, text: 'hi' }];
    expect(await collect(new OpenAIStreamReader(async () => [...parts], context))).toEqual(parts);
  });
});
