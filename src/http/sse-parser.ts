import { SseDecoder, type SseEvent } from './sse-decoder.js';

export type { SseEvent } from './sse-decoder.js';

/**
 * Parses a byte stream as server-sent events (see `SseDecoder` for the rules). Events are
 * yielded as soon as their blank line arrives, so streaming latency is not added here.
 */
export async function* parseSse(body: AsyncIterable<Uint8Array | string>): AsyncGenerator<SseEvent> {
  const decoder = new SseDecoder();
  const events: SseEvent[] = [];
  for await (const chunk of body) {
    decoder.push(chunk, events);
    for (const event of events) yield event;
    events.length = 0;
  }
  decoder.end(events);
  yield* events;
}
