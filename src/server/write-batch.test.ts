import { describe, expect, it } from 'vitest';
import { WriteBatch } from './write-batch.js';

const TEXTS = ['', 'plain', 'quote " and \\ backslash', 'tab\tnew\nline\u0000\u001f\u007f', 'é', '中文', '😀', 'lone \ud800 surrogate', 'x'.repeat(127), 'y'.repeat(129), 'é'.repeat(3000)];

describe('WriteBatch', () => {
  it('appends the UTF-8 bytes of texts and of their JSON strings, as Buffer.from would give them', () => {
    const batch = new WriteBatch();
    const expected: Buffer[] = [];
    for (const text of TEXTS) {
      batch.appendText(text);
      batch.appendJsonString(text);
      batch.appendBytes(Buffer.from([0, 255]));
      expected.push(Buffer.from(text), Buffer.from(JSON.stringify(text)), Buffer.from([0, 255]));
    }
    expect(batch.take().equals(Buffer.concat(expected))).toBe(true);
    expect(batch.size).toBe(0);
  });

  it('never writes again into bytes it handed out, as it grows or not', () => {
    const batch = new WriteBatch();
    const taken: Array<{ slice: Buffer; copy: Buffer }> = [];
    for (let round = 0; round < 50; round += 1) {
      batch.appendText(`${round}:`.repeat(round * 7));
      const slice = batch.take();
      taken.push({ slice, copy: Buffer.from(slice) });
    }
    for (const { slice, copy } of taken) expect(slice.equals(copy)).toBe(true);
  });
});
