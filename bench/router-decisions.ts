/**
 * Router micro-benchmark: decisions per second over 20 deployments, with the request profile
 * precomputed (scoring only) and computed per request (token count + task classifier +
 * difficulty + scoring). Printed, never asserted.
 *
 * Run: `npm run bench:router` (compiles with `tsc -p scripts/tsconfig.classifier.json`, then
 * runs `node dist/bench/router-decisions.js`).
 */
import { BUILT_IN_POLICIES, analyzeRequest, decide } from '../src/routing/index.js';
import type { ChatRequest, LiveStats, ModelProfile, RequestProfile } from '../src/spec/index.js';

const FAMILIES = [
  { name: 'frontier', input: 3, output: 15, window: 200_000, quality: 0.92, ttft: 700, tps: 70 },
  { name: 'large', input: 2.5, output: 10, window: 128_000, quality: 0.88, ttft: 500, tps: 90 },
  { name: 'mid', input: 0.8, output: 4, window: 200_000, quality: 0.8, ttft: 450, tps: 120 },
  { name: 'small', input: 0.15, output: 0.6, window: 128_000, quality: 0.78, ttft: 400, tps: 110 },
  { name: 'flash', input: 0.1, output: 0.4, window: 1_000_000, quality: 0.8, ttft: 350, tps: 180 },
];

function deployments(count: number): ModelProfile[] {
  return Array.from({ length: count }, (_, i) => {
    const f = FAMILIES[i % FAMILIES.length] ?? FAMILIES[0]!;
    const region = Math.floor(i / FAMILIES.length);
    return {
      id: `provider${region}/${f.name}`,
      provider: 'openai',
      model: f.name,
      pricing: { inputPerMTok: f.input * (1 + region * 0.05), outputPerMTok: f.output, cachedInputPerMTok: f.input / 2 },
      contextWindow: i % 7 === 6 ? 8_192 : f.window,
      maxOutputTokens: 8_192,
      capabilities: { tools: i % 4 !== 3, vision: i % 3 !== 2, json: true, streaming: true, embeddings: false },
      quality: { default: f.quality, coding: f.quality + 0.02, chat: Math.min(0.95, f.quality + 0.05) },
      latency: { ttftMs: f.ttft + region * 20, outputTokensPerSecond: f.tps },
      limits: { maxConcurrent: 64 },
      source: { pricing: 'config', quality: 'config' },
      simulated: false,
    };
  });
}

const candidates = deployments(20);
const stats = new Map<string, LiveStats>(
  candidates
    .filter((_, i) => i % 2 === 0)
    .map((c, i) => [c.id, { deploymentId: c.id, samples: 200, ewmaTtftMs: 300 + i * 40, errorRate: (i % 5) / 100, breaker: i === 4 ? 'open' : 'closed', inFlight: i }]),
);
const requests: ChatRequest[] = [
  { model: 'auto', messages: [{ role: 'user', content: 'hi there!' }] },
  { model: 'auto', messages: [{ role: 'user', content: 'Write a Python function that merges overlapping intervals and explain its complexity.' }] },
  {
    model: 'auto',
    messages: [
      { role: 'system', content: 'You are a concise assistant for a support team.' },
      { role: 'user', content: `Summarize this ticket thread:\n${'The customer reports the export fails with a timeout after ten minutes. '.repeat(40)}` },
    ],
    tools: [{ type: 'function', function: { name: 'lookup_order' } }],
  },
  { model: 'auto', messages: [{ role: 'user', content: 'Translate to French: the meeting moved to Thursday at 3pm.' }], routing: { priorities: { cost: 2, quality: 1 } } },
];

function run(label: string, iterations: number, once: (i: number) => unknown): void {
  for (let i = 0; i < Math.min(2_000, iterations); i += 1) once(i);
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i += 1) once(i);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const perSecond = iterations / seconds;
  console.log(`${label.padEnd(48)} ${Math.round(perSecond).toLocaleString('en-US').padStart(10)} decisions/s  ${((1e6 / perSecond)).toFixed(1).padStart(7)} µs each`);
}

const profiles: RequestProfile[] = requests.map((r) => analyzeRequest(r));
const policy = BUILT_IN_POLICIES.balanced;
let id = 0;
const newId = (): string => `bench-${(id += 1)}`;

console.log(`${candidates.length} deployments, ${requests.length} request shapes, policy ${policy.name}`);
run('decide, profile precomputed (scoring only)', 100_000, (i) =>
  decide({ request: requests[i % requests.length]!, profile: profiles[i % profiles.length]!, candidates, stats, policy, requested: 'auto', deps: { newId } }),
);
run('decide, profile computed (tokens + classifier)', 20_000, (i) =>
  decide({ request: requests[i % requests.length]!, candidates, stats, policy, requested: 'auto', deps: { newId } }),
);
run('analyzeRequest alone', 20_000, (i) => analyzeRequest(requests[i % requests.length]!));
