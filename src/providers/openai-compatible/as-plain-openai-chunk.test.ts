import { describe, expect, it } from 'vitest';
import { asPlainOpenAIChunk } from './as-plain-openai-chunk.js';
import { openAIChatChunkSchema } from './openai-wire.js';

const plain: unknown[] = [
  { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
  { id: 'c1', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'Hello' }, logprobs: null, finish_reason: null }] },
  { id: 'c1', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: null },
  { id: 'c1', choices: [{ delta: { reasoning_content: 'think', refusal: null } }] },
  { id: '', choices: [], prompt_filter_results: [{ prompt_index: 0 }] },
  { id: 'c1', choices: [], usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } },
  { id: 'c1', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: { prompt_tokens: 9, completion_tokens: 4, prompt_tokens_details: { cached_tokens: 2, audio_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 1 } } },
];

const other: unknown[] = [
  { id: 'c1', choices: [], usage: { prompt_tokens: '1', completion_tokens: 2 } },
  { id: 'c1', choices: [], usage: [] },
  { id: 'c1', choices: [], usage: { prompt_tokens: 1, prompt_tokens_details: { cached_tokens: '2' } } },
  { id: 'c1', choices: [], usage: { completion_tokens: 1, completion_tokens_details: 3 } },
  { id: 'c1', choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{' } }] } }] },
  { error: { message: 'overloaded', type: 'server_error' } },
  { id: 'c1', x_groq: { usage: { prompt_tokens: 1 } } },
  { id: 'c1', choices: [{ index: '0', delta: { content: 'x' } }] },
  { id: 'c1', choices: [{ index: 0, delta: { content: 42 } }] },
  { id: 7, choices: [] },
  { id: 'c1', choices: {} },
  { id: 'c1', choices: [['not an object']] },
  { id: 'c1', choices: [{ delta: 'text' }] },
  [],
  'chunk',
  null,
];

describe('asPlainOpenAIChunk', () => {
  it('passes plain text and usage chunks through as the schema would accept them', () => {
    for (const chunk of plain) {
      expect(asPlainOpenAIChunk(chunk)).toBe(chunk);
      const parsed = openAIChatChunkSchema.safeParse(chunk);
      expect(parsed.success).toBe(true);
      // What the schema keeps equals what the mapper reads from the raw chunk.
      expect(chunk).toMatchObject(parsed.data as object);
    }
  });

  it('leaves mistyped usage, tool calls, errors and anything else mistyped to the schema', () => {
    for (const chunk of other) expect(asPlainOpenAIChunk(chunk)).toBeUndefined();
  });
});
