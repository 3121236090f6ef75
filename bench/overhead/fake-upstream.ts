import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { announceReady } from './announce-ready.js';

/**
 * A fast OpenAI-compatible upstream for the overhead benchmark: a fixed completion of about
 * 600 bytes, or 20 SSE chunks then `[DONE]` when the request asks for a stream. Runs in its own
 * process so that its CPU is not charged to the target under test.
 */
const CREATED = 1_764_000_000;
const ANSWER =
  'Connection pooling keeps a small set of warm sockets to each upstream and reuses them for every request, ' +
  'so a gateway pays the TCP and TLS handshakes once instead of per call; queueing happens in the pool.';

const JSON_BODY = JSON.stringify({
  id: 'chatcmpl-bench0001',
  object: 'chat.completion',
  created: CREATED,
  model: 'bench-model',
  choices: [{ index: 0, message: { role: 'assistant', content: ANSWER, refusal: null }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 180, completion_tokens: 42, total_tokens: 222 },
  system_fingerprint: 'fp_bench',
});

function chunk(delta: Record<string, unknown>, finish: string | null, usage?: Record<string, number>): string {
  const body: Record<string, unknown> = {
    id: 'chatcmpl-bench0001',
    object: 'chat.completion.chunk',
    created: CREATED,
    model: 'bench-model',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  };
  if (usage !== undefined) body.usage = usage;
  return `data: ${JSON.stringify(body)}\n\n`;
}

function streamBody(withUsage: boolean): Buffer {
  const words = ANSWER.split(' ');
  const pieces: string[] = [];
  const per = Math.ceil(words.length / 18);
  pieces.push(chunk({ role: 'assistant', content: '' }, null));
  for (let i = 0; i < 18; i += 1) pieces.push(chunk({ content: `${words.slice(i * per, (i + 1) * per).join(' ')} ` }, null));
  pieces.push(chunk({}, 'stop', withUsage ? { prompt_tokens: 180, completion_tokens: 42, total_tokens: 222 } : undefined));
  pieces.push('data: [DONE]\n\n');
  return Buffer.from(pieces.join(''));
}

// Both stream variants are built once: the upstream should cost as little as possible per request.
const STREAM_WITH_USAGE = streamBody(true);
const STREAM_PLAIN = streamBody(false);
const JSON_BUFFER = Buffer.from(JSON_BODY);

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
