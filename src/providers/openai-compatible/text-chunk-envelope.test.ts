import { describe, expect, it } from 'vitest';
import type { StreamPart } from '../../spec/stream-part.js';
import { OpenAIStreamMapper } from './openai-stream-mapper.js';
import { contentInEnvelope, textChunkEnvelope } from './text-chunk-envelope.js';

const context = { deploymentId: 'test/model', model: 'configured-model' };
const text = (content: string, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 5, model: 'm', choices: [{ index: 0, delta: { content }, logprobs: null, finish_reason: null }], ...extra });

function mapAll(datas: string[]): StreamPart[] {
  const mapper = new OpenAIStreamMapper(context);
  const out: StreamPart[] = [];
  for (const data of datas) mapper.map({ data }, out);
  mapper.end(out);
  return out;
}

/** What each chunk says when parsed whole, for comparison. */
function textsOf(datas: string[]): string[] {
  return datas.flatMap((data) => {
    const content = (JSON.parse(data) as { choices?: Array<{ delta?: { content?: unknown } }> }).choices?.[0]?.delta?.content;
    return typeof content === 'string' && content !== '' ? [content] : [];
  });
}

describe('text chunk envelopes', () => {
  it('give the same parts as parsing every chunk whole, whatever the content holds', () => {
    const datas = [
      JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 5, model: 'm', choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] }),
      text('Hello'),
      text(' "quoted", with \\ backslash'),
      text('\n\ttabs and ünïcödé 🚀'),
      text('","refusal":"smuggled'),
      text(''),
      text('}]}'),
      text('other id', { id: 'c2' }),
      text('back'),
      JSON.stringify({ id: 'c1', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }),
      '[DONE]',
    ];
    const parts = mapAll(datas);
    expect(parts.filter((part) => part.type === 'text-delta').map((part) => (part.type === 'text-delta' ? part.text : ''))).toEqual(textsOf(datas.slice(0, -1)));
    expect(parts.filter((part) => part.type === 'refusal-delta')).toEqual([]);
    expect(parts[0]).toEqual({ type: 'start', id: 'c1', model: 'm', created: 5 });
    expect(parts.at(-1)).toEqual({ type: 'finish', choiceIndex: 0, finishReason: 'stop' });
  });

  it('take only a single JSON string between the envelope, else the chunk is parsed whole', () => {
    const learned = textChunkEnvelope(text('a'), JSON.parse(text('a')));
    expect(learned).toBeDefined();
    if (learned === undefined) return;
    expect(contentInEnvelope(text('b \\"c\\"'), learned)).toBe('b \\"c\\"');
    const smuggled = `${learned.prefix}"a","refusal":"b"${learned.suffix}`;
    expect(contentInEnvelope(smuggled, learned)).toBeUndefined();
    expect(contentInEnvelope(`${learned.prefix}null${learned.suffix}`, learned)).toBeUndefined();
    expect(contentInEnvelope(text('x', { id: 'c9' }), learned)).toBeUndefined();
    // Parsed whole, the smuggled chunk is a text and a refusal.
    const parts = mapAll([text('a'), smuggled, '[DONE]']);
    expect(parts).toContainEqual({ type: 'refusal-delta', choiceIndex: 0, text: 'b' });
  });

  it('are not learned from chunks that are more than text', () => {
    const refuse = (data: string): void => expect(textChunkEnvelope(data, JSON.parse(data))).toBeUndefined();
    refuse(JSON.stringify({ id: 'c', choices: [{ index: 0, delta: { content: 'x' }, finish_reason: 'stop' }] }));
    refuse(JSON.stringify({ id: 'c', choices: [{ index: 0, delta: { content: 'x' } }, { index: 1, delta: { content: 'y' } }] }));
    refuse(JSON.stringify({ id: 'c', choices: [{ index: 0, delta: { content: 'x', refusal: 'r' } }] }));
    refuse(JSON.stringify({ id: 'c', choices: [{ index: 0, delta: { content: 'x' } }], usage: { prompt_tokens: 1 } }));
    // OpenAI's logprobs have a `content` key of their own: which one is the delta's is not told by position.
    refuse(JSON.stringify({ id: 'c', choices: [{ index: 0, delta: { content: 'x' }, logprobs: { content: [{ token: 'x' }] } }] }));
    refuse('{"id":"c","choices":[{"index":0,"delta":{"content": "x"}}]}');
  });
});
