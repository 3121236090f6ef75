/** One server-sent event. `event` is absent when the server sent no `event:` line. */
export interface SseEvent {
  event?: string;
  data: string;
  id?: string;
}

/**
 * Parses a byte stream as server-sent events (the WHATWG EventSource rules: `\n`, `\r\n` or
 * `\r` line ends, multi-line `data`, comments ignored). Events are yielded as soon as their
 * blank line arrives, so streaming latency is not added here.
 */
export async function* parseSse(body: AsyncIterable<Uint8Array | string>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  let event: string | undefined;
  let id: string | undefined;

  const takeLine = (line: string): SseEvent | undefined => {
    if (line === '') {
      if (data.length === 0) {
        event = undefined;
        return undefined;
      }
      const out: SseEvent = { data: data.join('\n') };
      if (event !== undefined) out.event = event;
      if (id !== undefined) out.id = id;
      data = [];
      event = undefined;
      return out;
    }
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    else if (field === 'id') id = value;
    return undefined;
  };

  for await (const chunk of body) {
    buffer += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let start = 0;
    for (;;) {
      const lf = buffer.indexOf('\n', start);
      const cr = buffer.indexOf('\r', start);
      let end: number;
      let next: number;
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        // A lone `\r` at the very end may be the first half of `\r\n`: wait for more bytes.
        if (cr === buffer.length - 1) break;
        end = cr;
        next = buffer[cr + 1] === '\n' ? cr + 2 : cr + 1;
      } else if (lf !== -1) {
        end = lf;
        next = lf + 1;
      } else {
        break;
      }
      const parsed = takeLine(buffer.slice(start, end));
      start = next;
      if (parsed !== undefined) yield parsed;
    }
    buffer = buffer.slice(start);
  }
  buffer += decoder.decode();
  if (buffer.length > 0) {
    const parsed = takeLine(buffer);
    if (parsed !== undefined) yield parsed;
  }
  // A stream that ends without the final blank line still delivers its last event.
  const last = takeLine('');
  if (last !== undefined) yield last;
}
