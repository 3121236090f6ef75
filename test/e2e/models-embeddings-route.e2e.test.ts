import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import type { Decision } from '../../src/spec/decision.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { scripted, testConfig } from './gateway-config.js';
import { completion } from './openai-wire.js';
import { startTestGateway, type TestGateway } from './start-test-gateway.js';

let upstream: FakeUpstream;
let t: TestGateway;
/** The built-in simulated models only, as a gateway with no keys serves them. */
let sim: TestGateway;

beforeAll(async () => {
  upstream = await startFakeUpstream(scripted(() => ({ 'primary-model': () => completion('primary-model', 'ok') })));
  t = await startTestGateway(testConfig(upstream.url));
  sim = await startTestGateway({ simulated: 'on', autoDetectProviders: false });
});
afterAll(async () => {
  await sim.close();
  await t.close();
  await upstream.close();
});

async function route(base: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; decision: Decision; headers: Headers }> {
  const response = await fetch(`${base}/v1/route`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, decision: (await response.json()) as Decision, headers: response.headers };
}

describe('models', () => {
  it('lists every deployment, alias and policy in OpenAI list shape', async () => {
    const ids: string[] = [];
    for await (const model of t.client.models.list()) {
      expect(model.object).toBe('model');
      ids.push(model.id);
    }
    expect(ids).toEqual(expect.arrayContaining(['fake/primary', 'fake/backup', 'sim/mini', 'pair', 'auto', 'router/balanced', 'router/cheapest', 'router/fastest', 'router/best', 'router/fake-only']));
  });

  it('describes a deployment with its profile', async () => {
    const model = (await t.client.models.retrieve('fake/primary')) as unknown as Record<string, unknown>;
    expect(model).toMatchObject({ id: 'fake/primary', kind: 'deployment', context_window: 32_000, pricing: { input_per_mtok: 1, output_per_mtok: 2 } });
  });

  it('404s an unknown model id', async () => {
    await expect(t.client.models.retrieve('nope/nothing')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });
});

describe('embeddings', () => {
  it('serves the SDK default (base64) and decodes to the same vectors as float', async () => {
    const input = ['first text', 'second text'];
    const asBase64 = await t.client.embeddings.create({ model: 'sim/mini', input });
    const asFloat = await t.client.embeddings.create({ model: 'sim/mini', input, encoding_format: 'float' });
    expect(asBase64.data).toHaveLength(2);
    expect(asBase64.data[1]?.index).toBe(1);
    const a = asBase64.data[0]?.embedding ?? [];
    const b = asFloat.data[0]?.embedding ?? [];
    expect(a.length).toBeGreaterThan(0);
    expect(a.length).toBe(b.length);
    a.forEach((value, i) => expect(value).toBeCloseTo(b[i] ?? NaN, 5));
    expect(asFloat.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it('refuses a deployment that does not embed', async () => {
    const error = await t.client.embeddings.create({ model: 'fake/primary', input: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe('no_candidate');
  });
});

describe('/v1/route', () => {
  it('returns the full decision without calling a model', async () => {
    const before = upstream.requests.length;
    const { status, decision, headers } = await route(t.url, { model: 'pair', messages: [{ role: 'user', content: 'hi' }], max_tokens: 3_000 });
    expect(status).toBe(200);
    expect(upstream.requests.length).toBe(before);
    expect(headers.get('x-switchyard-decision-id')).toBe(decision.id);
    expect(decision.candidates.map((c) => c.deploymentId)).toEqual(['fake/primary']);
    const candidate = decision.candidates[0];
    expect(candidate?.parts).toMatchObject({ cost: expect.any(Number), latency: expect.any(Number), quality: expect.any(Number), reliability: expect.any(Number) });
    expect(candidate?.reasons.length).toBeGreaterThan(0);
    // 3,000 output tokens do not fit the backup's 2,000 max output.
    expect(decision.excluded).toEqual([expect.objectContaining({ deploymentId: 'fake/backup', reason: 'context_window' })]);
  });

  it('follows a policy named in the header', async () => {
    const body = { model: 'auto', messages: [{ role: 'user', content: 'hi' }] };
    const cheapest = await route(t.url, body, { 'x-switchyard-policy': 'cheapest' });
    expect(cheapest.decision.policy).toBe('cheapest');
    const bad = await fetch(`${t.url}/v1/route`, { method: 'POST', headers: { 'x-switchyard-policy': 'nope' }, body: JSON.stringify(body) });
    expect(bad.status).toBe(400);
  });

  // Greeting: every model is adequate, the cheapest and fastest wins (llama-3-8b). Long document:
  // the 8k model is out, input tokens dominate the price, the cheapest input price wins
  // (gemini-flash). Coding: quality counts in full (claude-sonnet).
  it('picks different simulated deployments for a coding prompt, a long document and a greeting under balanced', async () => {
    const coding = await route(sim.url, {
      model: 'auto',
      messages: [{ role: 'user', content: 'Write a TypeScript class implementing an LRU cache with a TTL per entry. It must evict the least recently used entry when full, expire entries lazily on get, and include unit tests for the edge cases.' }],
    });
    const paragraph = 'Revenue in the northern region grew while churn in the enterprise segment rose after the price change. ';
    const long = await route(sim.url, {
      model: 'auto',
      messages: [{ role: 'user', content: `Summarize the following quarterly report in five bullet points for the board.\n\n${paragraph.repeat(1200)}` }],
    });
    const greeting = await route(sim.url, { model: 'auto', messages: [{ role: 'user', content: 'hi there!' }] });
    const picks = [coding, long, greeting].map((r) => r.decision.candidates[0]?.deploymentId);
    expect(new Set(picks).size).toBe(3);
    // The long document does not fit the small window of the 8k model.
    expect(long.decision.excluded.some((e) => e.deploymentId === 'simulated/llama-3-8b' && e.reason === 'context_window')).toBe(true);
    expect(coding.decision.profile.task).toBe('coding');
    expect(picks).toEqual(['simulated/claude-sonnet', 'simulated/gemini-flash', 'simulated/llama-3-8b']);
    expect(greeting.decision.reasons.join('\n')).toMatch(/counts as adequate/);
  });

  it('answers model auto with no keys set, from a simulated model', async () => {
    const { data, response } = await sim.client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'hello' }] }).withResponse();
    expect(response.headers.get('x-switchyard-deployment')).toMatch(/^simulated\//);
    expect(data.choices[0]?.message.content).toMatch(/simulat/i);
    expect(sim.gateway.summary.live).toEqual([]);
    expect(sim.gateway.summary.simulated.length).toBeGreaterThan(3);
  });
});

describe('health', () => {
  it('answers /healthz and /readyz', async () => {
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, deployments: 3 });
  });
});

