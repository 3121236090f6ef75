import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../e2e/start-test-gateway.js';
import { startFaultUpstream, type FaultUpstream } from '../support/fault-upstream.js';

const messages = [{ role: 'user' as const, content: 'Say hello.' }];

describe('a deployment cooling down after a 429 at routing time', () => {
  let a: FaultUpstream;
  let t: TestGateway;

  beforeAll(async () => {
    a = await startFaultUpstream({ seed: 11, retryAfterMs: 600 });
    t = await startTestGateway({
      simulated: 'off',
      autoDetectProviders: false,
      providers: { a: { type: 'openai-compatible', baseUrl: `${a.url}/v1`, apiKey: 'sk-a' } },
      deployments: [{ id: 'a/m', provider: 'a', model: 'm', pricing: { inputPerMTok: 1, outputPerMTok: 2 } }],
      policies: { only: { deployments: ['a/m'], maxAttempts: 3 } },
      logging: { level: 'silent' },
    });
  });
  afterAll(async () => {
    await t.close();
    await a.close();
  });

  it('is waited for, not refused: the next request is answered once the cool-down ends, without calling during it', async () => {
    a.enqueue('rate_limited');
    // A deadline shorter than the retry-after: this request gives up at once with the 429.
    const first = await t.client.chat.completions.create({ model: 'only', messages }, { headers: { 'x-switchyard-timeout-ms': '200' } }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(first).toBeInstanceOf(OpenAI.RateLimitError);
    expect(a.requests).toHaveLength(1);
    // The deployment is now cooling for every request; the router leaves it out of its ranking,
    // but the attempt loop still has it last and waits for the cool-down instead of failing.
    const { data, response } = await t.client.chat.completions.create({ model: 'only', messages }).withResponse();
    expect(data.choices[0]?.message.content).toContain('fault upstream');
    expect(response.headers.get('x-switchyard-attempts')).toBe('1');
    expect(a.requests).toHaveLength(2);
  });
});
