import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema } from '../../src/config/config-schema.js';
import { buildGateway } from '../../src/engine/build-gateway.js';
import type { RequestContext } from '../../src/engine/gateway.js';
import { openGatewayAccounting } from '../../src/engine/open-gateway-accounting.js';
import { timeOrderedUuid } from '../../src/engine/time-ordered-uuid.js';
import { UpstreamPools } from '../../src/http/upstream-pools.js';
import { MemoryStore } from '../../src/state/memory-store.js';
import { chatCompletionBody } from '../../src/server/chat-completion-body.js';
import { parseChatRequest } from '../../src/server/parse-chat-request.js';
import type { StreamPart } from '../../src/spec/stream-part.js';
import { benchDeployments, benchRequestBody } from './bench-workload.js';
import { FAKE_JSON_BODY, fakeStreamBody } from './fake-upstream-bodies.js';
import { heapAllocatedDuring } from './heap-allocated-during.js';

/**
 * CPU microseconds and V8 heap bytes per request of the engine's core path alone, in one process
 * with no sockets: key check, parse of the inbound body, route, reserve, the resilient attempt
 * loop, the OpenAI-compatible adapter (over an undici stand-in that answers with the fake
 * upstream's bodies), settlement (ledger rows handed to a store that drops them), and the
 * answer's wire body (JSON) or its parts read to the end (stream). HTTP in and out, telemetry and
 * the SQLite writers are left out, so that a change to the core path shows well above the noise
 * of `cpu-per-request.js`.
 *
 *   node dist/bench/overhead/core-path-per-request.js [requests=20000] [json|stream] [one|auto]
 */
const total = Number(process.argv[2] ?? 20000);
const mode = process.argv[3] ?? 'json';
const routed = process.argv[4] === 'auto';
const concurrency = 16;

const JSON_BODY = FAKE_JSON_BODY;
const SSE_BODY = fakeStreamBody(true);

/** An undici pool stand-in: every answer arrives whole, in one read, as the fake upstream sends it. */
const standIn = {
  request: (options: { body?: string }) => {
    const stream = options.body?.includes('"stream":true') === true;
    return Promise.resolve({
      statusCode: 200,
      headers: { 'content-type': stream ? 'text/event-stream' : 'application/json' },
      body: {
        destroyed: false,
        destroy(): void {
          this.destroyed = true;
        },
        text: () => Promise.resolve(JSON_BODY),
        async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
          yield SSE_BODY;
        },
      },
    });
  },
};
UpstreamPools.prototype.get = () => standIn as unknown as ReturnType<UpstreamPools['get']>;

const deployments = benchDeployments(routed);
const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-core-'));
const config = configSchema.parse({
  providers: { bench: { type: 'openai', baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'sk-bench-upstream' } },
  deployments,
  simulated: 'off',
  autoDetectProviders: false,
  dataDir,
  keys: { enabled: true },
  accounting: { store: 'memory' },
});
// Ledger rows are handed to the store as in production, which forgets them: a build writes them on
// a thread of its own, and a memory ledger that kept every row would make this measure its growth.
const store = new MemoryStore();
store.ledger.appendEntries = () => Promise.resolve();
const accounting = await openGatewayAccounting({ config, dataDir, store });
const gateway = buildGateway(config, { env: {}, accounting });
const created = await accounting.accounting.keys.createKey({ owner: 'bench', team: 'bench' });
const authorization = `Bearer ${created.key}`;
const body = benchRequestBody(routed, mode === 'stream');

async function one(): Promise<void> {
  const context: RequestContext = { requestId: timeOrderedUuid(), signal: new AbortController().signal };
  context.principal = await accounting.authenticate(authorization);
  const request = parseChatRequest(JSON.parse(body));
  if (mode === 'stream') {
    const stream = await gateway.chatStream(request, context);
    let error: StreamPart | undefined;
    for await (const part of stream.parts) if (part.type === 'error') error = part;
    await stream.settlement;
    if (error !== undefined) throw new Error('the stream failed');
    return;
  }
  const result = await gateway.chat(request, context);
  JSON.stringify(chatCompletionBody(result));
}

async function drive(count: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next += 1;
      await one();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

await drive(Math.min(3000, total));
const before = process.cpuUsage();
const allocated = await heapAllocatedDuring(() => drive(total));
const used = process.cpuUsage(before);
process.stdout.write(
  `core path ${mode} ${routed ? 'auto' : 'one'}: ${total} requests, ${((used.user + used.system) / total).toFixed(1)} µs CPU and ${(allocated / total / 1000).toFixed(1)} kB allocated per request\n`,
);
await gateway.close();
await accounting.close();
rmSync(dataDir, { recursive: true, force: true });
