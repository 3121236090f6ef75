// Reliability benchmark: many requests through the gateway in front of three fault-injecting
// upstreams (each failing about 10% of the time with mixed classes, one going fully down half-way),
// compared with the same run against healthy upstreams.
//
//   npm run build && node dist/bench/reliability.js [--requests 10000] [--concurrency 64] [--json]
import OpenAI from 'openai';
import { configSchema } from '../src/config/config-schema.js';
import { buildGateway } from '../src/engine/build-gateway.js';
import { createServer } from '../src/server/create-server.js';
import { startFaultUpstream, type FaultUpstream, type FaultUpstreamOptions } from '../test/support/fault-upstream.js';
import { parseLoadArgs, type LoadArgs } from './load-args.js';
import { roundUsd, summarize, type RequestResult, type RunSummary } from './reliability-stats.js';

type Args = LoadArgs;

/** USD per 1M tokens of each bench deployment. */
const PRICES = [
  { inputPerMTok: 0.15, outputPerMTok: 0.6 },
  { inputPerMTok: 0.25, outputPerMTok: 1.25 },
  { inputPerMTok: 0.4, outputPerMTok: 1.6 },
];

/** About 10% of requests fail, across every class the attempt loop treats differently. */
const MIXED_FAULTS: FaultUpstreamOptions['faults'] = {
  rate_limited: 0.02,
  server_error: 0.025,
  overloaded: 0.02,
  reset: 0.015,
  malformed_json: 0.01,
  stall: 0.01,
};

interface RunResult extends RunSummary {
  /** Failed requests by error code. */
  failures: Record<string, number>;
  recordedCostUsd: number;
  upstreamCostUsd: number;
  upstreamRequests: number;
  /** Answers whose usage the upstreams delivered; more than `succeeded` means answers were dropped. */
  upstreamAnswers: number;
}

async function run(args: Args, faulty: boolean): Promise<RunResult> {
  const upstreams: FaultUpstream[] = await Promise.all(
    PRICES.map((_, index) =>
      startFaultUpstream({
        seed: 1_000 + index,
        faults: {},
        latency: { kind: 'lognormal', medianMs: 15, sigma: 0.4, maxMs: 150 },
        retryAfterMs: 50,
        usage: (request) => ({ inputTokens: 20 + (request.body.length % 17), outputTokens: 5 + (request.body.length % 11) }),
      }),
    ),
  );
  const ids = upstreams.map((_, index) => `bench${index}/model-${index}`);
  const config = configSchema.parse({
    simulated: 'off',
    autoDetectProviders: false,
    providers: Object.fromEntries(upstreams.map((upstream, index) => [`bench${index}`, { type: 'openai-compatible', baseUrl: `${upstream.url}/v1`, apiKey: 'sk-bench' }])),
    deployments: upstreams.map((_, index) => ({
      id: ids[index],
      provider: `bench${index}`,
      model: `model-${index}`,
      pricing: { ...PRICES[index], cachedInputPerMTok: 0 },
      contextWindow: 128_000,
      maxOutputTokens: 4_096,
      deadlines: { connectMs: 2_000, firstTokenMs: 3_000, idleMs: 3_000, totalMs: 20_000 },
    })),
    policies: { reliable: { deployments: ids, maxAttempts: 6 } },
    routing: { defaultPolicy: 'reliable' },
    logging: { level: 'silent' },
  });
  const gateway = buildGateway(config, { env: {} });
  const server = createServer(gateway);
  const { url } = await server.listen(0, '127.0.0.1');
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'sk-bench', maxRetries: 0, timeout: 30_000 });

  // Warm-up (JIT, tokenizer, pooled connections) before anything is measured.
  upstreams.forEach((upstream) => upstream.configure({ faults: {} }));
  await Promise.all(
    Array.from({ length: Math.min(200, args.requests) }, (_, index) =>
      client.chat.completions.create({ model: 'reliable', messages: [{ role: 'user', content: `Warm-up ${index}` }] }).catch(() => undefined),
    ),
  );
  const warmUpCost = upstreamCost(upstreams);
  upstreams.forEach((upstream) => upstream.configure({ faults: faulty ? MIXED_FAULTS : {} }));

  const results: RequestResult[] = [];
  const failures: Record<string, number> = {};
  let recordedCostUsd = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < args.requests; index = next++) {
      if (faulty && index === Math.floor(args.requests / 2)) upstreams[2]?.setDown(true);
      const started = performance.now();
      try {
        const { response } = await client.chat.completions
          .create({ model: 'reliable', messages: [{ role: 'user', content: `Request ${index}: say hello.` }] })
          .withResponse();
        recordedCostUsd += Number(response.headers.get('x-switchyard-cost-usd') ?? 0);
        results.push({ ok: true, latencyMs: performance.now() - started, attempts: Number(response.headers.get('x-switchyard-attempts') ?? 1) });
      } catch (error) {
        const headers = error instanceof OpenAI.APIError ? error.headers : undefined;
        const code = error instanceof OpenAI.APIError ? String(error.code ?? error.status) : error instanceof Error ? error.name : 'unknown';
        failures[code] = (failures[code] ?? 0) + 1;
        recordedCostUsd += Number(headers?.get('x-switchyard-cost-usd') ?? 0);
        results.push({ ok: false, latencyMs: performance.now() - started, attempts: Number(headers?.get('x-switchyard-attempts') ?? 0) });
      }
    }
  };
  await Promise.all(Array.from({ length: args.concurrency }, () => worker()));

  const totals = upstreamCost(upstreams);
  await server.close(1_000);
  await gateway.close();
  await Promise.all(upstreams.map((upstream) => upstream.close()));
  return {
    ...summarize(results),
    failures,
    recordedCostUsd: roundUsd(recordedCostUsd),
    upstreamCostUsd: roundUsd(totals.costUsd - warmUpCost.costUsd),
    upstreamRequests: totals.requests - warmUpCost.requests,
    upstreamAnswers: totals.answers - warmUpCost.answers,
  };
}

/** What the upstreams' reported usage costs at the bench prices, and how many calls they saw. */
function upstreamCost(upstreams: readonly FaultUpstream[]): { costUsd: number; requests: number; answers: number } {
  let costUsd = 0;
  let requests = 0;
  let answers = 0;
  upstreams.forEach((upstream, index) => {
    const stats = upstream.stats();
    const price = PRICES[index] as (typeof PRICES)[number];
    requests += stats.requests;
    answers += stats.usageReports;
    costUsd += (stats.reportedUsage.inputTokens * price.inputPerMTok + stats.reportedUsage.outputTokens * price.outputPerMTok) / 1e6;
  });
  return { costUsd, requests, answers };
}

async function main(): Promise<void> {
  const args = parseLoadArgs(process.argv.slice(2), { requests: 10_000, concurrency: 64, json: false });
  const healthy = await run(args, false);
  const faulty = await run(args, true);
  // Exact up to float noise: every token the upstreams reported must be billed, and nothing else.
  const costMatches = Math.abs(faulty.recordedCostUsd - faulty.upstreamCostUsd) < 1e-6;
  const lines = [
    `requests ${faulty.requests} at concurrency ${args.concurrency}; three deployments failing ~10% each, one fully down from request ${Math.floor(args.requests / 2)}`,
    `success rate ${(faulty.successRate * 100).toFixed(3)}% (${faulty.succeeded}/${faulty.requests}; target >= 99.95%)`,
    `attempts per request ${JSON.stringify(faulty.attemptsHistogram)}; upstream calls ${faulty.upstreamRequests}, answers ${faulty.upstreamAnswers}; failures ${JSON.stringify(faulty.failures)}`,
    `latency p50 ${faulty.p50Ms} ms, p99 ${faulty.p99Ms} ms; healthy run p50 ${healthy.p50Ms} ms, p99 ${healthy.p99Ms} ms (x${(faulty.p50Ms / healthy.p50Ms).toFixed(2)} / x${(faulty.p99Ms / healthy.p99Ms).toFixed(2)})`,
    `cost recorded $${faulty.recordedCostUsd.toFixed(6)} vs upstream-reported usage $${faulty.upstreamCostUsd.toFixed(6)}: ${costMatches ? 'equal' : `MISMATCH by $${(faulty.upstreamCostUsd - faulty.recordedCostUsd).toFixed(6)}`}`,
  ];
  for (const line of lines) process.stdout.write(`${line}\n`);
  if (args.json) {
    const { requests, succeeded, successRate, attemptsHistogram, p50Ms, p99Ms, recordedCostUsd, upstreamCostUsd } = faulty;
    process.stdout.write(
      `${JSON.stringify({ requests, succeeded, successRate, attemptsHistogram, p50Ms, p99Ms, healthyP50Ms: healthy.p50Ms, healthyP99Ms: healthy.p99Ms, recordedCostUsd, upstreamCostUsd, costMatches, upstreamRequests: faulty.upstreamRequests, upstreamAnswers: faulty.upstreamAnswers })}\n`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
