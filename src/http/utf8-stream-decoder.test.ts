import { describe, expect, it } from 'vitest';
import { Utf8StreamDecoder } from './utf8-stream-decoder.js';

/** Bytes around every UTF-8 boundary: ASCII, continuations, valid and invalid leads, the BOM's. */
const BYTES = [0x41, 0x0a, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xed, 0xef, 0xbb, 0xf0, 0xf4, 0xf5, 0xff];

function decodeWith(pieces: Uint8Array[]): { expected: string; actual: string } {
  const reference = new TextDecoder();
  let expected = '';
  for (const piece of pieces) expected += reference.decode(piece, { stream: true });
  expected += reference.decode();
  const decoder = new Utf8StreamDecoder();
  let actual = '';
  for (const piece of pieces) actual += decoder.decode(piece);
  actual += decoder.end();
  return { expected, actual };
}

describe('Utf8StreamDecoder', () => {
  it('gives what a streaming TextDecoder gives, for malformed bytes and a byte order mark, wherever the chunks are cut', () => {
    // A fixed linear congruential sequence: the same cases on every run.
    let seed = 7;
    const random = (below: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % below;
    };
    for (let round = 0; round < 20000; round += 1) {
      const bytes = Uint8Array.from({ length: 1 + random(10) }, () => BYTES[random(BYTES.length)]!);
      if (random(5) === 0) bytes.set([0xef, 0xbb, 0xbf].slice(0, bytes.length));
      const pieces: Uint8Array[] = [];
      let start = 0;
      for (let at = 1; at <= bytes.length; at += 1) {
        if (at === bytes.length || random(3) === 0) {
          pieces.push(bytes.subarray(start, at));
          start = at;
        }
      }
      const { expected, actual } = decodeWith(pieces);
      expect(actual, `bytes ${Buffer.from(bytes).toString('hex')} in ${pieces.length} pieces`).toBe(expected);
    }
  });

  it('drops a byte order mark only at the start, even when it arrives one byte at a time', () => {
    const bytes = Buffer.from('\uFEFFa\uFEFFé😀', 'utf8');
    const { actual } = decodeWith([...bytes].map((byte) => Uint8Array.of(byte)));
    expect(actual).toBe('a\uFEFFé😀');
  });
});
