import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { announceReady } from './announce-ready.js';
import { FAKE_JSON_BODY, fakeStreamBody } from './fake-upstream-bodies.js';

/**
 * A fast OpenAI-compatible upstream for the overhead benchmark: a fixed completion of about
 * 600 bytes, or 20 SSE chunks then `[DONE]` when the request asks for a stream. Runs in its own
 * process so that its CPU is not charged to the target under test.
 */
// Both stream variants are built once: the upstream should cost as little as possible per request.
const STREAM_WITH_USAGE = fakeStreamBody(true);
const STREAM_PLAIN = fakeStreamBody(false);
const JSON_BUFFER = Buffer.from(FAKE_JSON_BODY);

function reply(res: ServerResponse, body: Buffer): void {
  let parsed: { stream?: boolean; stream_options?: { include_usage?: boolean } };
  try {
    parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
  } catch {
    res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"message":"bad json","type":"invalid_request_error"}}');
    return;
  }
  const stream = parsed.stream === true;
  const usage = parsed.stream_options?.include_usage === true;
  if (!stream) {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': JSON_BUFFER.length }).end(JSON_BUFFER);
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.end(usage ? STREAM_WITH_USAGE : STREAM_PLAIN);
}

const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  if (req.method !== 'POST') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"object":"list","data":[]}');
    return;
  }
  const parts: Buffer[] = [];
  req.on('data', (part: Buffer) => parts.push(part));
  req.on('end', () => reply(res, Buffer.concat(parts)));
});
server.listen(Number(process.env.BENCH_PORT ?? 0), '127.0.0.1', () => {
  announceReady((server.address() as AddressInfo).port);
});
