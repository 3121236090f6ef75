import { describe, expect, it } from 'vitest';
import { SseDecoder, type SseEvent } from './sse-decoder.js';

const STREAM =
  'id: 7\r\nevent: delta\r\ndata: {"a":"é"}\r\n\r\n' +
  ': keep-alive\n\n' +
  'data\ndata:no space\ndata:  two spaces\n\n' +
  'event: lonely\n\n' +
  'retry: 10\rdata: cr only\r\r' +
  'data: [DONE]\n\n';

const EXPECTED: SseEvent[] = [
  { event: 'delta', data: '{"a":"é"}', id: '7' },
  { data: '\nno space\n two spaces', id: '7' },
  { data: 'cr only', id: '7' },
  { data: '[DONE]', id: '7' },
];

function decode(chunks: Uint8Array[]): SseEvent[] {
  const decoder = new SseDecoder();
  const out: SseEvent[] = [];
  for (const chunk of chunks) decoder.push(chunk, out);
  decoder.end(out);
  return out;
}

describe('SseDecoder', () => {
  it('decodes every line-end style, field without a colon, comment and dropped event-only block', () => {
    expect(decode([new TextEncoder().encode(STREAM)])).toEqual(EXPECTED);
  });

  it('gives the same events wherever the body is cut, inside a `\\r\\n` or a multi-byte character included', () => {
    const bytes = new TextEncoder().encode(STREAM);
    for (let cut = 1; cut < bytes.length; cut += 1) {
      expect(decode([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(EXPECTED);
    }
  });

  it('dispatches events as their blank line arrives, and a last one without it at the end', () => {
    const decoder = new SseDecoder();
    const out: SseEvent[] = [];
    decoder.push('data: one\n\ndata: two', out);
    expect(out).toEqual([{ data: 'one' }]);
    decoder.end(out);
    expect(out).toEqual([{ data: 'one' }, { data: 'two' }]);
  });
});
