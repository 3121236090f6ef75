/** Room a batch starts with: under half of Node's buffer pool, so that it is a slice of the pool. */
const FIRST_ROOM = 4000;
/** Longer text is encoded by Node in one call; shorter ASCII text costs less copied here than a call. */
const COPY_LIMIT = 128;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Bytes waiting for the next write to a socket, encoded as they are appended into a buffer that
 * is handed out a slice at a time. A stream's SSE chunks built as strings would be joined into
 * one string per write, flattened by Node to count its bytes and copied again to encode them; here
 * each piece is encoded once, in place, and the write is a slice of bytes already counted.
 *
 * A slice handed out is never written to again (the socket may still hold it), so the buffer is
 * only ever filled further on; when it is full, the bytes not taken yet move to a new one.
 */
export class WriteBatch {
  private buffer: Buffer = Buffer.alloc(0);
  private start = 0;
  private end = 0;

  /** Bytes appended since the last `take()`. */
  get size(): number {
    return this.end - this.start;
  }

  appendBytes(bytes: Uint8Array): void {
    const buffer = this.room(bytes.length);
    buffer.set(bytes, this.end);
    this.end += bytes.length;
  }

  /** Appends `text` as UTF-8, the bytes that `res.write(text)` sends. */
  appendText(text: string): void {
    const { length } = text;
    // A UTF-16 code unit takes three UTF-8 bytes at the most.
    const buffer = this.room(length * 3);
    let at = this.end;
    if (length <= COPY_LIMIT) {
      for (let index = 0; index < length; index += 1) {
        const code = text.charCodeAt(index);
        if (code >= 0x80) {
          at = -1;
          break;
        }
        buffer[at++] = code;
      }
      if (at !== -1) {
        this.end = at;
        return;
      }
    }
    this.end += buffer.write(text, this.end);
  }

  /** Appends the bytes of `JSON.stringify(text)`, without making that string when `text` is plain ASCII. */
  appendJsonString(text: string): void {
    const { length } = text;
    if (length <= COPY_LIMIT) {
      const buffer = this.room(length + 2);
      let at = this.end;
      buffer[at++] = QUOTE;
      for (let index = 0; index < length; index += 1) {
        const code = text.charCodeAt(index);
        // Control characters, quotes and backslashes are escaped, anything past ASCII is encoded.
        if (code < 0x20 || code >= 0x80 || code === QUOTE || code === BACKSLASH) {
          at = -1;
          break;
        }
        buffer[at++] = code;
      }
      if (at !== -1) {
        buffer[at++] = QUOTE;
        this.end = at;
        return;
      }
    }
    this.appendText(JSON.stringify(text));
  }

  /** The bytes appended since the last call, for one write; the batch is empty afterwards. */
  take(): Buffer {
    const taken = this.buffer.subarray(this.start, this.end);
    this.start = this.end;
    return taken;
  }

  private room(bytes: number): Buffer {
    const { buffer } = this;
    if (this.end + bytes <= buffer.length) return buffer;
    const waiting = this.end - this.start;
    // Twice what is needed now, so that a large batch grows a few times, not once per append.
    const grown = Buffer.allocUnsafe(Math.max(FIRST_ROOM, 2 * (waiting + bytes)));
    if (waiting > 0) buffer.copy(grown, 0, this.start, this.end);
    this.buffer = grown;
    this.start = 0;
    this.end = waiting;
    return grown;
  }
}
