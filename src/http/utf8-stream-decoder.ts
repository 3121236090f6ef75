const BOM = 0xfeff;

/**
 * UTF-8 bytes to text one body chunk at a time, with the result of a streaming `TextDecoder`
 * (a leading byte order mark dropped, malformed bytes as U+FFFD), at a fraction of its cost:
 * Node's `TextDecoder` converts through ICU into a two-byte string (about 10 µs and twice the
 * heap for a 4 kB stream body), where `Buffer#toString` gives a one-byte string for ASCII.
 *
 * A character cut at the end of a chunk is held back and decoded with the next one. Holding back
 * from a lead byte on is always safe: the decoder ends a malformed sequence at the next byte that
 * is not a continuation byte, or at the end of its input, with one U+FFFD either way.
 */
export class Utf8StreamDecoder {
  /** The start of a character that the next chunk completes. */
  private held: Buffer | undefined;
  /** Nothing decoded yet: a byte order mark first is dropped. */
  private first = true;

  decode(chunk: Uint8Array): string {
    let bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.held !== undefined) {
      bytes = Buffer.concat([this.held, bytes]);
      this.held = undefined;
    }
    const complete = completeLength(bytes);
    if (complete < bytes.length) this.held = Buffer.from(bytes.subarray(complete));
    // Without arguments `toString` goes straight to the decoder: the common case of a whole chunk.
    return this.text(complete === bytes.length ? bytes.toString() : bytes.toString('utf8', 0, complete));
  }

  /** The held-back bytes of a character that never completed, as U+FFFD. */
  end(): string {
    const held = this.held;
    this.held = undefined;
    return held === undefined ? '' : this.text(held.toString());
  }

  private text(text: string): string {
    if (!this.first || text.length === 0) return text;
    this.first = false;
    return text.charCodeAt(0) === BOM ? text.slice(1) : text;
  }
}

/** The length of `bytes` up to the lead byte of a last character that is still missing bytes. */
function completeLength(bytes: Buffer): number {
  const length = bytes.length;
  for (let back = 1; back <= 3 && back <= length; back += 1) {
    const byte = bytes[length - back]!;
    // A continuation byte: the lead is further back.
    if ((byte & 0xc0) === 0x80) continue;
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? length - back : length;
  }
  return length;
}
