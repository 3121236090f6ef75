// Response cache and embeddings micro-batching benchmark: hit latency and throughput of the
// memory and Redis stores through the caching gateway, and the latency a batching window adds.
// Run: npm run bench:cache (Redis at REDIS_URL, default 127.0.0.1:6379; skipped when absent).
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { parseConfig } from '../src/config/load-config.js';
import { CachingGateway } from '../src/engine/cache/caching-gateway.js';
import { EmbeddingBatcher } from '../src/engine/cache/embedding-batcher.js';
import { ResponseCacheRules } from '../src/engine/cache/response-cache-rules.js';
import type { ChatResult, EmbedResult, Gateway } from '../src/engine/gateway.js';
import type { ChatRequest } from '../src/spec/chat-request.js';
import type { EmbeddingRequest } from '../src/spec/embedding.js';
import { MemoryResponseCacheStore } from '../src/state/cache/memory-response-cache-store.js';
import { RedisResponseCacheStore } from '../src/state/cache/redis-response-cache-store.js';
import type { ResponseCacheStore } from '../src/state/cache/response-cache-store.js';

const HITS = Number(process.env.BENCH_HITS ?? 20_000);
const CONCURRENCY = 32;
const decision = { id: 'd', requested: 'cached', policy: 'cached', profile: {} as ChatResult['decision']['profile'], candidates: [], excluded: [], reasons: [] };
const answerText = 'A typical cached answer of a few sentences. '.repeat(12);

/** An upstream that answers instantly, so that only the cache's own cost is measured. */
const upstream = {
  summary: { live: [], simulated: [], aliases: [], policies: [], defaultPolicy: 'cached', notes: [] },
  chat: async (): Promise<ChatResult> => {
    const response = { id: 'r', created: 0, model: 'm', choices: [{ index: 0, message: { role: 'assistant' as const, content: answerText }, finishReason: 'stop' as const }], usage: { inputTokens: 50, outputTokens: 120 } };
    return { response, decision, attempts: [], deploymentId: 'fake/a', usage: response.usage, costUsd: 0.001 };
  },
  embed: async (request: EmbeddingRequest): Promise<EmbedResult> => ({
    response: { model: 'e', embeddings: request.input.map(() => [0.1, 0.2, 0.3]), usage: { inputTokens: request.input.length } },
    decision,
    deploymentId: 'e',
    attempts: [],
    costUsd: 0,
  }),
} as unknown as Gateway;

const config = parseConfig({ simulated: 'off', autoDetectProviders: false, policies: { cached: { cache: { enabled: true, ttlSeconds: 600 } } } }, {});

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
}

async function benchStore(store: ResponseCacheStore): Promise<string> {
  const gateway = new CachingGateway(upstream, {
    store,
    rules: new ResponseCacheRules({ cache: config.cache, policies: config.policies, defaultPolicy: 'cached' }),
    scope: 'key',
    coalesce: true,
  });
  const request: ChatRequest = { model: 'cached', temperature: 0, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'What is the capital of France?' }] };
  await gateway.chat(request, { requestId: 'warm' });
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < HITS) {
      next += 1;
      const t0 = performance.now();
      const result = await gateway.chat(request, { requestId: 'b' });
      latencies.push(performance.now() - t0);
      if (result.cache?.status !== 'hit') throw new Error('expected a hit');
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  await store.close();
  return `${store.name.padEnd(8)} hits=${HITS} concurrency=${CONCURRENCY} throughput=${Math.round(HITS / seconds)}/s p50=${percentile(latencies, 0.5).toFixed(3)}ms p99=${percentile(latencies, 0.99).toFixed(3)}ms`;
}

async function benchBatching(windowMs: number): Promise<string> {
  let upstreamCalls = 0;
  const embed = (request: EmbeddingRequest, context: { requestId: string }): Promise<EmbedResult> => {
    upstreamCalls += 1;
    return upstream.embed(request, context);
  };
  const batcher = new EmbeddingBatcher({ embed, windowMs, maxInputs: 2048 });
  const call = windowMs === 0 ? embed : (r: EmbeddingRequest, c: { requestId: string }) => batcher.embed(r, c);
  const latencies: number[] = [];
  const requests = 2_000;
  for (let wave = 0; wave < requests / 50; wave += 1) {
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        const t0 = performance.now();
        await call({ model: 'e', input: ['some text to embed'] }, { requestId: 'e' });
        latencies.push(performance.now() - t0);
      }),
    );
  }
  latencies.sort((a, b) => a - b);
  return `embeddings window=${windowMs}ms requests=${requests} upstream_calls=${upstreamCalls} p50=${percentile(latencies, 0.5).toFixed(3)}ms p99=${percentile(latencies, 0.99).toFixed(3)}ms`;
}

async function main(): Promise<void> {
  const lines: string[] = [];
  lines.push(await benchStore(new MemoryResponseCacheStore({ maxBytes: 64 * 1024 * 1024 })));
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    lines.push(await benchStore(new RedisResponseCacheStore({ client: redis, keyPrefix: `sy-bench:${process.pid}:`, ownsClient: true })));
  } catch (error) {
    lines.push(`redis    skipped: ${(error as Error).message}`);
  }
  lines.push(await benchBatching(0));
  lines.push(await benchBatching(5));
  for (const line of lines) console.log(line);
}

await main();
