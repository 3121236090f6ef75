import { describe, expect, it } from 'vitest';
import { asPlainChatBody } from './as-plain-chat-body.js';
import { chatRequestSchema } from './chat-request-schema.js';

const messages = [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi', name: 'ann' }];

const plain: Array<Record<string, unknown>> = [
  { model: 'gpt-4o-mini', messages },
  { model: 'auto', messages, stream: true, temperature: 0.2, max_tokens: 256, top_p: 1, n: 1, seed: -3, user: 'u1', presence_penalty: -2, frequency_penalty: 2 },
  { model: 'm', messages: [{ role: 'developer', content: 'x' }, { role: 'user', content: 'q' }, { role: 'assistant', content: 'a', annotations: [] }], stream: null, tools: null },
  { model: 'm', messages, metadata: { tag: 'kept for the upstream' }, hasOwnProperty: 1 },
  { model: 'm', messages, stream: true, stream_options: { include_usage: true } },
  { model: 'm', messages, stream: false, stream_options: {} },
];

const notPlain: Array<Record<string, unknown>> = [
  { model: '', messages },
  { model: 'm', messages: [] },
  { model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] },
  { model: 'm', messages: [{ role: 'tool', tool_call_id: 'c', content: 'r' }] },
  { model: 'm', messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] }] },
  { model: 'm', messages: [{ role: 'user', content: 'hi', name: null }] },
  { model: 'm', messages: [{ role: 'robot', content: 'hi' }] },
  { model: 'm', messages, temperature: 2.5 },
  { model: 'm', messages, max_tokens: 0 },
  { model: 'm', messages, max_tokens: 1.5 },
  { model: 'm', messages, n: 129 },
  { model: 'm', messages, stream: 'yes' },
  { model: 'm', messages, stream: true, stream_options: { include_usage: 'yes' } },
  { model: 'm', messages, stream: true, stream_options: { include_usage: true, extra: 1 } },
  { model: 'm', messages, routing: { task: 'coding' } },
  { model: 'm', messages, stop: 'END' },
];

describe('asPlainChatBody', () => {
  it('returns plain bodies as they are, and the schema accepts each of them', () => {
    for (const body of plain) {
      expect(asPlainChatBody(body)).toBe(body);
      expect(chatRequestSchema.safeParse(body).success).toBe(true);
    }
  });

  it('leaves everything else, valid or not, to the schema', () => {
    for (const body of notPlain) expect(asPlainChatBody(body)).toBeUndefined();
  });
});
