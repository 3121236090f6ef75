import { Utf8StreamDecoder } from './utf8-stream-decoder.js';

/** One server-sent event. `event` is absent when the server sent no `event:` line. */
export interface SseEvent {
  event?: string;
  data: string;
  id?: string;
}

const COLON = 58;
const SPACE = 32;

/**
 * Server-sent events decoded synchronously, one body chunk at a time (the WHATWG EventSource
 * rules: `\n`, `\r\n` or `\r` line ends, multi-line `data`, comments ignored). A streaming
 * adapter feeds it each chunk it reads, so an event costs no async-generator step of its own;
 * fields are cut from the buffer by index, with one string made per field value.
 */
export class SseDecoder {
  private readonly decoder = new Utf8StreamDecoder();
  private buffer = '';
  private data: string | undefined;
  private event: string | undefined;
  private id: string | undefined;

  /** Appends to `out` every event that this chunk completes. */
  push(chunk: Uint8Array | string, out: SseEvent[]): void {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk);
    const buffer = this.buffer.length === 0 ? text : this.buffer + text;
    let start = 0;
    // Where the next `\r` is; most servers send none, so the search runs once per chunk.
    let cr = buffer.indexOf('\r');
    for (;;) {
      if (cr !== -1 && cr < start) cr = buffer.indexOf('\r', start);
      const lf = buffer.indexOf('\n', start);
      let end: number;
      let next: number;
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        // A lone `\r` at the very end may be the first half of `\r\n`: wait for more bytes.
        if (cr === buffer.length - 1) break;
        end = cr;
        next = buffer.charCodeAt(cr + 1) === 10 ? cr + 2 : cr + 1;
      } else if (lf !== -1) {
        end = lf;
        next = lf + 1;
      } else {
        break;
      }
      this.line(buffer, start, end, out);
      start = next;
    }
    this.buffer = start === 0 ? buffer : buffer.slice(start);
  }

  /** Appends what is left once the body has ended: a last line without its line end, a last event without its blank line. */
  end(out: SseEvent[]): void {
    const buffer = this.buffer + this.decoder.end();
    this.buffer = '';
    if (buffer.length > 0) this.line(buffer, 0, buffer.length, out);
    this.line('', 0, 0, out);
  }

  private line(buffer: string, start: number, end: number, out: SseEvent[]): void {
    if (start === end) {
      if (this.data !== undefined) {
        const event: SseEvent = { data: this.data };
        if (this.event !== undefined) event.event = this.event;
        if (this.id !== undefined) event.id = this.id;
        out.push(event);
        this.data = undefined;
      }
      this.event = undefined;
      return;
    }
    if (buffer.charCodeAt(start) === COLON) return;
    let fieldEnd = buffer.indexOf(':', start);
    let valueStart: number;
    if (fieldEnd === -1 || fieldEnd > end) {
      fieldEnd = end;
      valueStart = end;
    } else {
      valueStart = fieldEnd + 1;
      if (valueStart < end && buffer.charCodeAt(valueStart) === SPACE) valueStart += 1;
    }
    const length = fieldEnd - start;
    if (length === 4 && buffer.startsWith('data', start)) {
      const value = buffer.slice(valueStart, end);
      this.data = this.data === undefined ? value : `${this.data}\n${value}`;
    } else if (length === 5 && buffer.startsWith('event', start)) {
      this.event = buffer.slice(valueStart, end);
    } else if (length === 2 && buffer.startsWith('id', start)) {
      this.id = buffer.slice(valueStart, end);
    }
  }
}
