import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../e2e/start-test-gateway.js';
import { startFaultUpstream, type FaultUpstream } from '../support/fault-upstream.js';

const messages = [{ role: 'user' as const, content: 'Say hello.' }];

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe("the caller's max latency bounds the whole request", () => {
  let slow: FaultUpstream;
  let t: TestGateway;

  beforeAll(async () => {
    slow = await startFaultUpstream({ seed: 7 });
    t = await startTestGateway({
      simulated: 'off',
      autoDetectProviders: false,
      providers: { slow: { type: 'openai-compatible', baseUrl: `${slow.url}/v1`, apiKey: 'sk-slow' } },
      deployments: [
        {
          id: 'slow/m',
          provider: 'slow',
          model: 'm',
          pricing: { inputPerMTok: 1, outputPerMTok: 2 },
          // Declared fast, so that routing keeps it under a tight max latency; the upstream then stalls.
          latency: { ttftMs: 5, outputTokensPerSecond: 10_000 },
          // The deployment's own limits are generous: only the caller's latency can end the request early.
          deadlines: { totalMs: 30_000, firstTokenMs: 30_000 },
        },
      ],
      logging: { level: 'silent' },
    });
  });
  afterAll(async () => {
    await t.close();
    await slow.close();
  });

  const expectTotalTimeout = (error: unknown): void => {
    expect(error).toBeInstanceOf(OpenAI.APIError);
    const api = error as InstanceType<typeof OpenAI.APIError>;
    expect(api.status).toBe(504);
    expect(api.code).toBe('total_timeout');
    expect(api.type).toBe('timeout_error');
  };

  it('routing.max_latency_ms in the body: a stalled upstream ends in a 504 total_timeout and its connection is dropped', async () => {
    const before = slow.requests.length;
    slow.enqueue('stall');
    const body = { model: 'slow/m', messages, routing: { max_latency_ms: 300 } };
    expectTotalTimeout(await caught(t.client.chat.completions.create(body as OpenAI.ChatCompletionCreateParamsNonStreaming)));
    // One attempt, abandoned: a total timeout is not retried.
    expect(slow.requests.length - before).toBe(1);
    await expect.poll(() => slow.requests.at(-1)?.aborted).toBe(true);
  });

  it('x-switchyard-max-latency-ms does the same for clients that cannot change the body', async () => {
    slow.enqueue('stall');
    const error = await caught(t.client.chat.completions.create({ model: 'slow/m', messages }, { headers: { 'x-switchyard-max-latency-ms': '300' } }));
    expectTotalTimeout(error);
  });

  it('a stream with max_latency_ms that stalls before its first token also ends in a 504', async () => {
    slow.enqueue('stall');
    const body = { model: 'slow/m', messages, stream: true, routing: { max_latency_ms: 300 } };
    const error = await caught(t.client.chat.completions.create(body as OpenAI.ChatCompletionCreateParamsStreaming));
    expectTotalTimeout(error);
  });

  it('an upstream that answers within the max latency is unaffected', async () => {
    const body = { model: 'slow/m', messages, routing: { max_latency_ms: 5_000 } };
    const answer = await t.client.chat.completions.create(body as OpenAI.ChatCompletionCreateParamsNonStreaming);
    expect(answer.choices[0]?.message.content).toContain('fault upstream');
  });
});
