import { describe, expect, it } from 'vitest';
import { parseSse } from './sse-parser.js';

async function collect(chunks: string[]) {
  const out = [];
  for await (const event of parseSse((async function* () { yield* chunks.map((c) => new TextEncoder().encode(c)); })())) out.push(event);
  return out;
}

describe('parseSse', () => {
  it('joins events split across chunks and line-end styles', async () => {
    const events = await collect(['event: ping\r', '\ndata: {"a":', '1}\r\n\r\n', 'data: x\ndata: y\n\n: comment\n\ndata: [DONE]\n\n']);
    expect(events).toEqual([{ event: 'ping', data: '{"a":1}' }, { data: 'x\ny' }, { data: '[DONE]' }]);
  });

  it('delivers a last event that lacks its blank line', async () => {
    expect(await collect(['data: tail'])).toEqual([{ data: 'tail' }]);
  });
});
