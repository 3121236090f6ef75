import type { StreamPart } from '../../spec/stream-part.js';
import type { ReadyPartSource } from '../../spec/ready-part-source.js';
import { SseDecoder, type SseEvent } from '../../http/sse-decoder.js';
import type { UpstreamResponse } from '../../http/upstream-request.js';
import { OpenAIStreamMapper, type StreamMappingContext } from './openai-stream-mapper.js';

/** Most time spent reading the end of a body after `[DONE]` before giving the socket up. */
const DRAIN_LIMIT_MS = 1000;

const DONE: IteratorResult<StreamPart> = Object.freeze({ value: undefined, done: true });

/**
 * The parts of a Chat Completions stream, read from the body chunk by chunk: each chunk is
 * decoded and its events mapped synchronously, and the parts are handed out one `next()` at a
 * time. An iterator rather than an async generator, because a generator step costs several
 * promises and a result object per part and this runs for every part of every stream.
 *
 * `open` sends the request on the first `next()`, as a generator body would: either the SSE
 * response, or the parts of a whole JSON answer (servers that ignore `stream`). After `[DONE]`
 * the rest of the body is drained so that the connection goes back to the pool; a failure or a
 * reader that stops early cuts it instead.
 */
export class OpenAIStreamReader implements AsyncIterableIterator<StreamPart>, ReadyPartSource {
  private response: UpstreamResponse | undefined;
  private chunks: AsyncIterator<Uint8Array> | undefined;
  private readonly decoder = new SseDecoder();
  private readonly mapper: OpenAIStreamMapper;
  private readonly events: SseEvent[] = [];
  private eventIndex = 0;
  /** Parts mapped and not handed out yet (reused from one batch to the next). */
  private parts: StreamPart[] = [];
  private partIndex = 0;
  private started = false;
  /** The body is still being read: neither its end nor `[DONE]` came. */
  private reading = true;
  private mapperEnded = false;
  private over = false;
  /** The read in flight, which `return()` lets finish first, as a generator would. */
  private pending: Promise<unknown> | undefined;
  /** A mapping failure met by `nextReady()`, thrown by the next `next()`. */
  private failed: { error: unknown } | undefined;

  constructor(
    private readonly open: () => Promise<UpstreamResponse | StreamPart[]>,
    context: StreamMappingContext,
  ) {
    this.mapper = new OpenAIStreamMapper(context);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<StreamPart> {
    return this;
  }

  nextReady(): StreamPart | undefined {
    if (this.over || this.failed !== undefined) return undefined;
    if (this.partIndex < this.parts.length) return this.parts[this.partIndex++];
    if (this.chunks === undefined) return undefined;
    try {
      return this.takeMapped();
    } catch (error) {
      this.failed = { error };
      return undefined;
    }
  }

  next(): Promise<IteratorResult<StreamPart>> {
    if (this.over) return Promise.resolve(DONE);
    if (this.failed !== undefined) {
      this.cut();
      return Promise.reject(this.failed.error);
    }
    if (this.partIndex < this.parts.length) return Promise.resolve({ value: this.parts[this.partIndex++]!, done: false });
    if (this.chunks !== undefined) {
      // Most parts come from events of a chunk already read: no await for them.
      let part: StreamPart | undefined;
      try {
        part = this.takeMapped();
      } catch (error) {
        this.cut();
        return Promise.reject(error);
      }
      if (part !== undefined) return Promise.resolve({ value: part, done: false });
    }
    const pending = this.chunks !== undefined && !this.reading ? this.finish() : this.advance();
    this.pending = pending;
    return pending;
  }

  async return(): Promise<IteratorResult<StreamPart>> {
    if (this.pending !== undefined) await this.pending.catch(() => undefined);
    if (!this.over) this.cut();
    return DONE;
  }

  private cut(): void {
    this.over = true;
    this.response?.cancel();
  }

  /** Opens the stream on the first call, then reads the body until a chunk yields a part. */
  private async advance(): Promise<IteratorResult<StreamPart>> {
    if (!this.started) {
      this.started = true;
      let opened: UpstreamResponse | StreamPart[];
      try {
        opened = await this.open();
      } catch (error) {
        this.over = true;
        throw error;
      }
      if (Array.isArray(opened)) {
        // A whole answer: its parts, then done; its body is already read.
        this.parts = opened;
        this.partIndex = 0;
      } else {
        this.response = opened;
        this.chunks = opened.chunks()[Symbol.asyncIterator]();
      }
    }
    const { chunks } = this;
    if (chunks === undefined) {
      if (this.partIndex < this.parts.length) return { value: this.parts[this.partIndex++]!, done: false };
      this.over = true;
      return DONE;
    }
    try {
      for (;;) {
        const next = await chunks.next();
        if (next.done === true) {
          this.decoder.end(this.events);
          this.reading = false;
        } else {
          this.decoder.push(next.value, this.events);
        }
        const part = this.takeMapped();
        if (part !== undefined) return { value: part, done: false };
        if (!this.reading) break;
      }
    } catch (error) {
      this.cut();
      throw error;
    }
    return this.finish();
  }

  /** Maps the events read so far until one gives parts; at the end of the body, the held-back finish and usage. */
  private takeMapped(): StreamPart | undefined {
    const { events, parts, mapper } = this;
    parts.length = 0;
    this.partIndex = 0;
    while (this.eventIndex < events.length) {
      const more = mapper.map(events[this.eventIndex++]!, parts);
      if (!more) {
        // `[DONE]`: whatever follows it carries no answer.
        this.reading = false;
        events.length = 0;
        this.eventIndex = 0;
      }
      if (parts.length > 0) {
        this.partIndex = 1;
        return parts[0];
      }
    }
    events.length = 0;
    this.eventIndex = 0;
    if (!this.reading && !this.mapperEnded) {
      this.mapperEnded = true;
      mapper.end(parts);
      if (parts.length > 0) {
        this.partIndex = 1;
        return parts[0];
      }
    }
    return undefined;
  }

  private async finish(): Promise<IteratorResult<StreamPart>> {
    this.over = true;
    if (this.response !== undefined && this.chunks !== undefined) await drainAfterDone(this.chunks, this.response);
    return DONE;
  }
}

/**
 * Reads what follows `[DONE]` (usually only the chunked-encoding terminator) so that undici can
 * reuse the connection; cutting the body instead would close the socket and cost a new
 * handshake on the next call. The answer is already complete, so failures here are ignored.
 */
async function drainAfterDone(chunks: AsyncIterator<unknown>, response: UpstreamResponse): Promise<void> {
  const timer = setTimeout(() => response.cancel(), DRAIN_LIMIT_MS);
  try {
    while ((await chunks.next()).done !== true) {
      // Anything after [DONE] carries no answer.
    }
  } catch {
    // The answer was complete before this point.
  } finally {
    clearTimeout(timer);
    response.cancel();
  }
}
