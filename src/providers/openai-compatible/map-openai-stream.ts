import type { StreamPart } from '../../spec/stream-part.js';
import type { SseEvent } from '../../http/sse-parser.js';
import { OpenAIStreamMapper, type StreamMappingContext } from './openai-stream-mapper.js';

export type { StreamMappingContext } from './openai-stream-mapper.js';

/**
 * Turns Chat Completions SSE events into typed stream parts (see `OpenAIStreamMapper`, which the
 * adapter drives directly from the body it reads).
 *
 * The source is read through its iterator and never closed here: after `[DONE]` the caller
 * drains the few bytes left so that the connection goes back to the pool instead of being cut.
 */
export async function* mapOpenAIStream(events: AsyncIterable<SseEvent>, context: StreamMappingContext): AsyncGenerator<StreamPart> {
  const iterator = events[Symbol.asyncIterator]();
  const mapper = new OpenAIStreamMapper(context);
  const parts: StreamPart[] = [];
  for (;;) {
    const next = await iterator.next();
    if (next.done === true) break;
    const more = mapper.map(next.value, parts);
    yield* parts;
    parts.length = 0;
    if (!more) break;
  }
  mapper.end(parts);
  yield* parts;
}
