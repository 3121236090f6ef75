// Hedging benchmark: streaming requests through one gateway in front of two upstreams with a
// heavy-tailed time to first token, alternating between a policy without hedging and the same
// policy with hedging (delay: the first pick's measured p95 TTFT), side by side in one run.
// Prints TTFT percentiles of both, their ratio, and the upstream calls the hedges cost.
//
//   npx tsc -p bench/hedging.tsconfig.json && node dist/bench/hedging.js [--requests 2000] [--concurrency 16] [--json]
import OpenAI from 'openai';
import { configSchema } from '../src/config/config-schema.js';
import { buildGateway } from '../src/engine/build-gateway.js';
import { createServer } from '../src/server/create-server.js';
import { startFaultUpstream, type FaultUpstream } from '../test/support/fault-upstream.js';
import { parseLoadArgs } from './load-args.js';
import { percentile } from './reliability-stats.js';

/** Model latency is heavy-tailed: a median of 20 ms, but one request in a hundred waits thirty times that. */
const LATENCY = { kind: 'lognormal', medianMs: 20, sigma: 1.5, maxMs: 3_000 } as const;
const POLICIES = ['plain', 'hedged'] as const;
type PolicyName = (typeof POLICIES)[number];

interface Sample {
  policy: PolicyName;
  ttftMs: number;
  ok: boolean;
}

async function streamOnce(client: OpenAI, policy: PolicyName, index: number): Promise<Sample> {
  const started = performance.now();
  let ttftMs = Number.NaN;
  try {
    const stream = await client.chat.completions.create({ model: `router/${policy}`, messages: [{ role: 'user', content: `Request ${index}: say hello.` }], stream: true });
    for await (const chunk of stream) {
      if (Number.isNaN(ttftMs) && (chunk.choices[0]?.delta.content ?? '') !== '') ttftMs = performance.now() - started;
    }
    return { policy, ttftMs, ok: !Number.isNaN(ttftMs) };
  } catch {
    return { policy, ttftMs: performance.now() - started, ok: false };
  }
}

function summary(samples: readonly Sample[]): { requests: number; failed: number; p50Ms: number; p95Ms: number; p99Ms: number } {
  const sorted = samples.filter((s) => s.ok).map((s) => s.ttftMs).sort((a, b) => a - b);
  const round = (value: number): number => Math.round(value * 10) / 10;
  return { requests: samples.length, failed: samples.filter((s) => !s.ok).length, p50Ms: round(percentile(sorted, 50)), p95Ms: round(percentile(sorted, 95)), p99Ms: round(percentile(sorted, 99)) };
}

async function main(): Promise<void> {
  const args = parseLoadArgs(process.argv.slice(2), { requests: 2_000, concurrency: 16, json: false });
  const upstreams: FaultUpstream[] = await Promise.all([1, 2].map((seed) => startFaultUpstream({ seed, latency: LATENCY, answer: ['Hello', ' there.'] })));
  const ids = upstreams.map((_, index) => `up${index}/model`);
  const config = configSchema.parse({
    simulated: 'off',
    autoDetectProviders: false,
    providers: Object.fromEntries(upstreams.map((upstream, index) => [`up${index}`, { type: 'openai-compatible', baseUrl: `${upstream.url}/v1`, apiKey: 'sk-bench' }])),
    deployments: ids.map((id, index) => ({ id, provider: `up${index}`, model: 'model', pricing: { inputPerMTok: 1, outputPerMTok: 2 }, quality: { default: 0.9 - index / 10 } })),
    policies: {
      plain: { deployments: ids, weights: { cost: 0, latency: 0, quality: 1, reliability: 0 } },
      hedged: { deployments: ids, weights: { cost: 0, latency: 0, quality: 1, reliability: 0 }, hedging: { enabled: true } },
    },
    logging: { level: 'silent' },
  });
  const gateway = buildGateway(config, { env: {} });
  const server = createServer(gateway);
  const { url } = await server.listen(0, '127.0.0.1');
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'sk-bench', maxRetries: 0, timeout: 30_000 });

  // Warm-up: JIT, pooled connections, and enough TTFT samples for the hedge delay (the p95).
  let next = 0;
  const drive = async (count: number, into: Sample[] | undefined): Promise<void> => {
    next = 0;
    const worker = async (): Promise<void> => {
      for (let index = next++; index < count; index = next++) {
        const sample = await streamOnce(client, POLICIES[index % 2] as PolicyName, index);
        into?.push(sample);
      }
    };
    await Promise.all(Array.from({ length: args.concurrency }, () => worker()));
  };
  await drive(Math.min(400, args.requests), undefined);
  const callsBefore = upstreams.map((upstream) => upstream.stats().requests);

  const samples: Sample[] = [];
  await drive(args.requests, samples);
  const upstreamCalls = upstreams.reduce((sum, upstream, index) => sum + upstream.stats().requests - (callsBefore[index] ?? 0), 0);
  const plain = summary(samples.filter((s) => s.policy === 'plain'));
  const hedged = summary(samples.filter((s) => s.policy === 'hedged'));
  // Every plain request is one upstream call; what is left over are the hedges.
  const hedges = upstreamCalls - plain.requests - hedged.requests;

  await server.close(1_000);
  await gateway.close();
  await Promise.all(upstreams.map((upstream) => upstream.close()));

  const ratio = (a: number, b: number): string => (b > 0 ? (a / b).toFixed(2) : 'n/a');
  const lines = [
    `${args.requests} streaming requests at concurrency ${args.concurrency}, alternating between the two policies; upstream TTFT lognormal (median ${LATENCY.medianMs} ms, sigma ${LATENCY.sigma})`,
    `plain : TTFT p50 ${plain.p50Ms} ms, p95 ${plain.p95Ms} ms, p99 ${plain.p99Ms} ms (${plain.failed} failed)`,
    `hedged: TTFT p50 ${hedged.p50Ms} ms, p95 ${hedged.p95Ms} ms, p99 ${hedged.p99Ms} ms (${hedged.failed} failed)`,
    `hedged / plain: p50 x${ratio(hedged.p50Ms, plain.p50Ms)}, p95 x${ratio(hedged.p95Ms, plain.p95Ms)}, p99 x${ratio(hedged.p99Ms, plain.p99Ms)}; hedges started ${hedges} (${((hedges / Math.max(1, hedged.requests)) * 100).toFixed(1)}% of hedged requests)`,
  ];
  for (const line of lines) process.stdout.write(`${line}\n`);
  if (args.json) process.stdout.write(`${JSON.stringify({ requests: args.requests, concurrency: args.concurrency, plain, hedged, hedges })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
