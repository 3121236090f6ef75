import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../e2e/start-test-gateway.js';
import { startFaultUpstream, type FaultUpstream } from '../support/fault-upstream.js';

const messages = [{ role: 'user' as const, content: 'Say hello.' }];

describe('resilience through the gateway, seen by the official client', () => {
  let a: FaultUpstream;
  let b: FaultUpstream;
  let big: FaultUpstream;
  let t: TestGateway;

  beforeAll(async () => {
    [a, b, big] = await Promise.all([startFaultUpstream({ seed: 1, retryAfterMs: 100 }), startFaultUpstream({ seed: 2 }), startFaultUpstream({ seed: 3 })]);
    const deployment = (name: string, contextWindow: number) => ({
      id: `${name}/m`,
      provider: name,
      model: 'm',
      pricing: { inputPerMTok: 1, outputPerMTok: 2, cachedInputPerMTok: 0.5 },
      contextWindow,
      maxOutputTokens: 1_000,
    });
    t = await startTestGateway({
      simulated: 'off',
      autoDetectProviders: false,
      providers: {
        a: { type: 'openai-compatible', baseUrl: `${a.url}/v1`, apiKey: 'sk-a' },
        b: { type: 'openai-compatible', baseUrl: `${b.url}/v1`, apiKey: 'sk-b' },
        big: { type: 'openai-compatible', baseUrl: `${big.url}/v1`, apiKey: 'sk-big' },
      },
      deployments: [deployment('a', 8_000), deployment('b', 8_000), deployment('big', 200_000)],
      policies: { chain: { deployments: ['a/m', 'b/m'], fallback: ['a/m', 'b/m'], weights: { cost: 0, latency: 0, quality: 1, reliability: 0 }, maxAttempts: 4 } },
      logging: { level: 'silent' },
    });
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([a.close(), b.close(), big.close()]);
  });
  beforeEach(() => {
    for (const upstream of [a, b, big]) {
      upstream.setDown(false);
      upstream.configure({ contextWindowTokens: undefined });
    }
  });

  const create = (model: string) => t.client.chat.completions.create({ model, messages }).withResponse();
  const seen = (upstream: FaultUpstream) => upstream.requests.length;

  it('retries a 503 on the same deployment and answers', async () => {
    const before = seen(a);
    a.enqueue('overloaded');
    const { response } = await create('a/m');
    expect(response.headers.get('x-switchyard-attempts')).toBe('2');
    expect(response.headers.get('x-switchyard-deployment')).toBe('a/m');
    expect(seen(a) - before).toBe(2);
  });

  it('honours retry-after on a 429 before retrying', async () => {
    a.enqueue('rate_limited');
    const started = Date.now();
    const { data } = await create('a/m');
    expect(data.choices[0]?.message.content).toContain('fault upstream');
    // Only a lower bound: the retry may not come before the upstream's retry-after.
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
  });

  it('falls back to the next candidate once retries on the first are spent', async () => {
    const beforeB = seen(b);
    a.enqueue('reset', 'reset', 'reset');
    const { response } = await create('chain');
    expect(response.headers.get('x-switchyard-deployment')).toBe('b/m');
    expect(Number(response.headers.get('x-switchyard-attempts'))).toBeGreaterThanOrEqual(2);
    expect(seen(b) - beforeB).toBe(1);
  });

  it('sends a context overflow to a deployment with a larger window, even outside the chain', async () => {
    a.configure({ contextWindowTokens: 5 });
    b.configure({ contextWindowTokens: 5 });
    const { response } = await create('chain');
    expect(response.headers.get('x-switchyard-deployment')).toBe('big/m');
  });

  it('returns a content filter error at once when no fallback is configured', async () => {
    const beforeB = seen(b);
    a.enqueue('content_filter');
    const error = await create('a/m').then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('content_filtered');
    expect(seen(b)).toBe(beforeB);
  });

  it('opens the breaker of a deployment that went down; later requests skip it without calling it', async () => {
    a.setDown(true);
    for (let i = 0; i < 6; i += 1) await create('chain');
    const calls = seen(a);
    for (let i = 0; i < 5; i += 1) {
      const { response } = await create('chain');
      expect(response.headers.get('x-switchyard-deployment')).toBe('b/m');
    }
    expect(seen(a)).toBe(calls);
    expect(t.gateway.stats().find((s) => s.deploymentId === 'a/m')?.breaker).toBe('open');
    expect(t.gateway.health().unavailable).toContain('a/m');
  });
});
