import type { UpstreamPools } from '../../src/http/upstream-pools.js';
import { DEFAULT_QUIRKS, OpenAICompatibleChatModel } from '../../src/providers/openai-compatible/index.js';
import { chargedStream } from '../../src/engine/charged-stream.js';
import { openCommittedStream } from '../../src/engine/open-committed-stream.js';
import type { RequestCharge } from '../../src/engine/request-charge.js';
import type { Reservation } from '../../src/accounting/reservation.js';
import type { ChatRequest } from '../../src/spec/chat-request.js';
import { heapAllocatedDuring } from './heap-allocated-during.js';

/**
 * CPU microseconds and V8 heap bytes per stream of the stream part path alone, in one process
 * with no sockets: a 20-chunk SSE body (the fake upstream's) through the OpenAI-compatible
 * adapter, the charged stream and the committed stream's tail to a reader, streams one after
 * another. The rest of a request (routing, ledger, HTTP) is left out, so a change to the path
 * shows here well above the noise of `cpu-per-request.js`.
 *
 *   node dist/bench/overhead/stream-path-per-request.js [streams=20000]
 */
const total = Number(process.argv[2] ?? 20000);

const chunk = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}): string =>
  `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`;
const pieces = [chunk({ role: 'assistant', content: 'Hello' })];
for (let index = 1; index < 20; index += 1) pieces.push(chunk({ content: ` word${index}` }));
pieces.push(`data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`);
pieces.push(`data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [], usage: { prompt_tokens: 10, completion_tokens: 20, total_tokens: 30 } })}\n\n`);
pieces.push('data: [DONE]\n\n');
const BODY = Buffer.from(pieces.join(''));

/** An undici pool stand-in whose every answer is the body above in one read, as the fake upstream sends it. */
const pools = {
  get: () => ({
    request: () =>
      Promise.resolve({
        statusCode: 200,
        headers: { 'content-type': 'text/event-stream' },
        body: {
          destroyed: false,
          destroy(): void {
            this.destroyed = true;
          },
          text: () => Promise.resolve(BODY.toString()),
          async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
            yield BODY;
          },
        },
      }),
  }),
} as unknown as UpstreamPools;

const model = new OpenAICompatibleChatModel(
  { deploymentId: 'bench/one', model: 'gpt-4o-mini', baseUrl: 'http://127.0.0.1:1/v1', authStyle: 'none', path: { kind: 'standard' }, quirks: DEFAULT_QUIRKS },
  pools,
);
const reservation = { id: 'r' } as Reservation;
const charge = { reserveForAttempt: () => Promise.resolve(reservation), settle: () => Promise.resolve(), release: () => Promise.resolve() } as unknown as RequestCharge;
const request: ChatRequest = { model: 'bench/one', stream: true, messages: [{ role: 'user', content: 'hi' }] };

async function oneStream(): Promise<void> {
  const committed = await openCommittedStream({ candidates: ['bench/one'], modelFor: () => model }, (_id, callOptions) =>
    chargedStream({ charge, maxCostUsd: 1, reserved: reservation, open: () => model.stream(request, callOptions), costOf: () => 0 }),
  );
  for await (const part of committed.parts) {
    if (part.type === 'error') throw new Error(part.error.message);
  }
  await committed.end;
}

for (let index = 0; index < 3000; index += 1) await oneStream();
const before = process.cpuUsage();
const allocated = await heapAllocatedDuring(async () => {
  for (let index = 0; index < total; index += 1) await oneStream();
});
const used = process.cpuUsage(before);
process.stdout.write(`stream path: ${total} streams, ${((used.user + used.system) / total).toFixed(1)} µs CPU and ${(allocated / total / 1000).toFixed(1)} kB allocated per stream\n`);
