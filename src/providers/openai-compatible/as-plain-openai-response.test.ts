import { describe, expect, it } from 'vitest';
import { asPlainOpenAIResponse } from './as-plain-openai-response.js';
import { openAIChatResponseSchema } from './openai-wire.js';

const message = { role: 'assistant', content: 'Hello', refusal: null };
const plain: unknown[] = [
  {
    id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'gpt-4o-mini', system_fingerprint: 'fp',
    choices: [{ index: 0, message, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13, prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } },
  },
  { choices: [{ message: { content: null, refusal: 'no' } }] },
  { id: 'c', choices: [{ index: 1, message: { content: 'x', reasoning_content: 'think', tool_calls: null } }, { index: 0, message: { reasoning: 'r' } }], usage: null },
  { id: 'c', choices: [], prompt_filter_results: [{ prompt_index: 0 }] },
];

const other: unknown[] = [
  { choices: [{ message: { content: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{}' } }] } }] },
  { choices: [{ message: { content: 42 } }] },
  { choices: [{ index: '0', message }] },
  { choices: [{}] },
  { choices: [{ message: 'text' }] },
  { choices: {} },
  { id: 7, choices: [] },
  { system_fingerprint: 1, choices: [] },
  { choices: [], usage: { prompt_tokens: '9' } },
  { choices: [], usage: { completion_tokens_details: [] } },
  { error: { message: 'overloaded' } },
  [],
  'answer',
  null,
];

describe('asPlainOpenAIResponse', () => {
  it('passes plain answers through as the schema would accept them', () => {
    for (const answer of plain) {
      expect(asPlainOpenAIResponse(answer)).toBe(answer);
      const parsed = openAIChatResponseSchema.safeParse(answer);
      expect(parsed.success).toBe(true);
      // What the schema keeps equals what the mapper reads from the raw answer.
      expect(answer).toMatchObject(parsed.data as object);
    }
  });

  it('leaves tool calls, missing or mistyped fields and errors to the schema', () => {
    for (const answer of other) expect(asPlainOpenAIResponse(answer)).toBeUndefined();
  });
});
