import { describe, expect, it } from 'vitest';
import { countTokens as o200k } from 'gpt-tokenizer/encoding/o200k_base';
import { countChatTokens, IMAGE_TOKENS } from './count-chat-tokens.js';
import { countTextTokens, SAMPLING_THRESHOLD_CHARS } from './count-text-tokens.js';

describe('countTextTokens', () => {
  it('counts OpenAI models exactly with their encoding', () => {
    expect(countTextTokens('hello world', 'gpt-4o')).toBe(2);
    // tiktoken's README example: cl100k_base encodes this as six tokens.
    expect(countTextTokens('tiktoken is great!', 'gpt-4')).toBe(6);
    expect(countTextTokens('', 'gpt-4o')).toBe(0);
  });

  it('treats special-token text as plain text instead of throwing', () => {
    expect(countTextTokens('a <|endoftext|> b', 'gpt-4o')).toBeGreaterThan(3);
  });

  it('applies the documented factor for Claude and rounds up', () => {
    const text = 'The quarterly report shows revenue growth across all regions.';
    expect(countTextTokens(text, 'claude-3-5-sonnet-20241022')).toBe(Math.ceil(o200k(text) * 1.2));
    expect(countTextTokens(text, 'gemini-2.0-flash')).toBe(Math.ceil(o200k(text) * 1.1));
  });

  it('estimates long documents from samples within a few percent of the exact count', () => {
    const paragraphs = [
      'Revenue grew 12% year over year, driven by subscriptions in Europe and North America. ',
      'The committee reviewed 1,234 findings; 56 required follow-up within thirty days. ',
      'function add(a, b) { return a + b; } // a helper used by the billing module\n',
    ];
    let text = '';
    for (let i = 0; text.length < SAMPLING_THRESHOLD_CHARS * 8; i += 1) text += paragraphs[i % 3] + `Item ${i}. `;
    const exact = countTextTokens(text, 'gpt-4o', { exact: true });
    const estimate = countTextTokens(text, 'gpt-4o');
    expect(exact).toBe(o200k(text, { disallowedSpecial: new Set() }));
    expect(Math.abs(estimate - exact) / exact).toBeLessThan(0.03);
  });
});

describe('countChatTokens', () => {
  const profile = { model: 'gpt-4o' };

  it('adds OpenAI message framing: 3 per message, role, content, 3 for the reply', () => {
    const request = { messages: [{ role: 'user' as const, content: 'hello world' }] };
    expect(countChatTokens(request, profile)).toBe(3 + o200k('user') + 2 + 3);
  });

  it('counts a name as one token more than its text', () => {
    const plain = countChatTokens({ messages: [{ role: 'user', content: 'hi' }] }, profile);
    const named = countChatTokens({ messages: [{ role: 'user', content: 'hi', name: 'bob' }] }, profile);
    expect(named - plain).toBe(1 + o200k('bob'));
  });

  it('estimates images by detail', () => {
    const base = countChatTokens({ messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }] }] }, profile);
    const low = countChatTokens({ messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image', url: 'https://example.com/a.png', detail: 'low' }] }] }, profile);
    const auto = countChatTokens({ messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image', url: 'https://example.com/a.png' }] }] }, profile);
    expect(low - base).toBe(IMAGE_TOKENS.low);
    expect(auto - base).toBe(IMAGE_TOKENS.high);
  });

  it('counts tools, tool calls and a JSON schema', () => {
    const messages = [{ role: 'user' as const, content: 'Weather in Paris?' }];
    const plain = countChatTokens({ messages }, profile);
    const parameters = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
    const withTools = countChatTokens({ messages, tools: [{ type: 'function', function: { name: 'get_weather', description: 'Weather by city', parameters } }] }, profile);
    expect(withTools - plain).toBe(12 + 7 + o200k('get_weather') + o200k('Weather by city') + o200k(JSON.stringify(parameters)));
    const withCall = countChatTokens({ messages: [...messages, { role: 'assistant', content: null, toolCalls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] }] }, profile);
    expect(withCall - plain).toBeGreaterThan(o200k('{"city":"Paris"}'));
    const withSchema = countChatTokens({ messages, responseFormat: { type: 'json_schema', jsonSchema: { name: 'x', schema: parameters } } }, profile);
    expect(withSchema - plain).toBe(o200k(JSON.stringify(parameters)));
  });
});

describe('countChatTokens on long conversations', () => {
  it('counts many medium messages as one sampled text, close to the exact sum', () => {
    const paragraph = 'The committee reviewed the findings and asked for a follow-up report within thirty days. ';
    const messages = Array.from({ length: 40 }, (_, i) => ({ role: (i % 2 === 0 ? 'user' : 'assistant') as 'user' | 'assistant', content: `${i}: ${paragraph.repeat(40)}` }));
    const exact = 3 + messages.reduce((sum, m) => sum + 3 + o200k(m.role) + o200k(m.content), 0);
    const counted = countChatTokens({ messages }, { model: 'gpt-4o' });
    expect(Math.abs(counted - exact) / exact).toBeLessThan(0.03);
  });
});
