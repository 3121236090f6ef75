import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../e2e/start-test-gateway.js';
import { startFaultUpstream, type FaultUpstream } from '../support/fault-upstream.js';

const messages = [{ role: 'user' as const, content: 'Say hello.' }];

interface Read {
  text: string;
  finish: string | null | undefined;
  caught: unknown;
}

async function read(stream: AsyncIterable<OpenAI.ChatCompletionChunk>): Promise<Read> {
  const out: Read = { text: '', finish: undefined, caught: undefined };
  try {
    for await (const chunk of stream) {
      out.text += chunk.choices[0]?.delta.content ?? '';
      out.finish = chunk.choices[0]?.finish_reason ?? out.finish;
    }
  } catch (error) {
    out.caught = error;
  }
  return out;
}

describe('streaming through the resilience layer, seen by the official client', () => {
  let a: FaultUpstream;
  let b: FaultUpstream;
  let t: TestGateway;

  beforeAll(async () => {
    // Pieces come 30 ms apart: the first reaches the gateway well before a cut or stall after it.
    const answer = ['Hello ', 'from ', 'the ', 'fault ', 'upstream.'];
    [a, b] = await Promise.all([
      startFaultUpstream({ seed: 11, retryAfterMs: 50, chunkDelayMs: 30, answer }),
      startFaultUpstream({ seed: 12, chunkDelayMs: 30, answer }),
    ]);
    const deployment = (name: string) => ({
      id: `${name}/m`,
      provider: name,
      model: 'm',
      pricing: { inputPerMTok: 1, outputPerMTok: 2, cachedInputPerMTok: 0.5 },
      contextWindow: 8_000,
      maxOutputTokens: 1_000,
      // Tight first-token and idle limits so stalls end quickly; generous next to the 30 ms pieces.
      deadlines: { connectMs: 1_000, firstTokenMs: 400, idleMs: 400, totalMs: 10_000 },
    });
    t = await startTestGateway({
      simulated: 'off',
      autoDetectProviders: false,
      providers: {
        a: { type: 'openai-compatible', baseUrl: `${a.url}/v1`, apiKey: 'sk-a' },
        b: { type: 'openai-compatible', baseUrl: `${b.url}/v1`, apiKey: 'sk-b' },
      },
      deployments: [deployment('a'), deployment('b')],
      policies: {
        chain: { deployments: ['a/m', 'b/m'], fallback: ['a/m', 'b/m'], weights: { cost: 0, latency: 0, quality: 1, reliability: 0 }, maxAttempts: 4 },
        // Same chain, but the policy allows no retry on one deployment.
        noretry: { deployments: ['a/m', 'b/m'], fallback: ['a/m', 'b/m'], weights: { cost: 0, latency: 0, quality: 1, reliability: 0 }, maxAttempts: 4, retries: { max: 0 } },
      },
      logging: { level: 'silent' },
    });
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([a.close(), b.close()]);
  });
  beforeEach(() => {
    a.setDown(false);
    b.setDown(false);
  });

  const stream = (model: string) => t.client.chat.completions.create({ model, messages, stream: true }).withResponse();
  const seen = (upstream: FaultUpstream) => upstream.requests.length;

  it('retries a stream cut before the first token on the same deployment, invisibly', async () => {
    const before = seen(a);
    a.enqueue('cut_before_first_token');
    const { data, response } = await stream('a/m');
    const out = await read(data);
    expect(out.caught).toBeUndefined();
    expect(out.text).toBe('Hello from the fault upstream.');
    expect(out.finish).toBe('stop');
    expect(response.headers.get('x-switchyard-deployment')).toBe('a/m');
    expect(seen(a) - before).toBe(2);
  });

  it('honours a 429 before the commit point and answers from the same deployment', async () => {
    a.enqueue('rate_limited');
    const { data, response } = await stream('a/m');
    const out = await read(data);
    expect(out.finish).toBe('stop');
    expect(response.headers.get('x-switchyard-deployment')).toBe('a/m');
  });

  it('falls back to the next candidate when the first keeps cutting before the first token', async () => {
    const beforeB = seen(b);
    a.enqueue('cut_before_first_token', 'cut_before_first_token', 'cut_before_first_token');
    const { data, response } = await stream('chain');
    const out = await read(data);
    expect(out.text).toBe('Hello from the fault upstream.');
    expect(response.headers.get('x-switchyard-deployment')).toBe('b/m');
    expect(seen(b) - beforeB).toBe(1);
  });

  it('gives up on a stall before the first token at the first-token deadline and fails over', async () => {
    const before = seen(a);
    a.enqueue('stall', 'stall', 'stall');
    const { data, response } = await stream('chain');
    const out = await read(data);
    expect(out.text).toBe('Hello from the fault upstream.');
    expect(out.finish).toBe('stop');
    expect(response.headers.get('x-switchyard-deployment')).toBe('b/m');
    // The stalled connections were abandoned, not left hanging.
    const stalled = a.requests.slice(before);
    expect(stalled.length).toBeGreaterThanOrEqual(1);
    await expect.poll(() => stalled.every((request) => request.aborted)).toBe(true);
  });

  it('ends a stream cut after the first token with an in-band error and finish reason error', async () => {
    const beforeB = seen(b);
    a.enqueue('mid_stream_cut');
    const { data } = await stream('chain');
    const out = await read(data);
    expect(out.text.startsWith('Hello ')).toBe(true);
    expect(out.text).not.toBe('Hello from the fault upstream.');
    expect(out.finish).toBe('error');
    expect(out.caught).toBeInstanceOf(OpenAI.APIError);
    expect((out.caught as InstanceType<typeof OpenAI.APIError>).code).toBe('stream_interrupted');
    // Past the commit point nothing is retried or failed over.
    expect(seen(b) - beforeB).toBe(0);
  });

  it('ends a stream that stalls after the first token at the idle deadline, in-band', async () => {
    const beforeA = seen(a);
    const beforeB = seen(b);
    a.enqueue('stall_after_first_token');
    const { data } = await stream('chain');
    const out = await read(data);
    expect(out.text.startsWith('Hello ')).toBe(true);
    expect(out.finish).toBe('error');
    expect((out.caught as InstanceType<typeof OpenAI.APIError>).code).toBe('stream_interrupted');
    expect((out.caught as InstanceType<typeof OpenAI.APIError>).message).toMatch(/idle|timeout|timed out/i);
    expect(seen(a) - beforeA).toBe(1);
    expect(seen(b) - beforeB).toBe(0);
    await expect.poll(() => a.requests.at(-1)?.aborted).toBe(true);
  });

  it('takes the policy\'s retries: with none allowed, a 503 moves straight to the next candidate', async () => {
    const beforeA = seen(a);
    a.enqueue('overloaded');
    const { data, response } = await stream('noretry');
    expect((await read(data)).finish).toBe('stop');
    expect(response.headers.get('x-switchyard-deployment')).toBe('b/m');
    expect(seen(a) - beforeA).toBe(1);
  });

  it('opens the breaker on streams that keep failing, then skips the deployment', async () => {
    a.setDown(true);
    // Enough failing streams to trip the consecutive-failure threshold.
    for (let i = 0; i < 6; i += 1) {
      const { data } = await stream('chain');
      expect((await read(data)).finish).toBe('stop');
    }
    const before = seen(a);
    const { data, response } = await stream('chain');
    await read(data);
    expect(response.headers.get('x-switchyard-deployment')).toBe('b/m');
    expect(seen(a) - before).toBe(0);
  });
});
