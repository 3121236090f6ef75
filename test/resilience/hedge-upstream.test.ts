import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamPools } from '../../src/http/upstream-pools.js';
import { DEFAULT_QUIRKS, OpenAICompatibleChatModel } from '../../src/providers/openai-compatible/index.js';
import { consensus, hedge, race } from '../../src/resilience/index.js';
import type { ChatRequest } from '../../src/spec/chat-request.js';
import type { StreamPart } from '../../src/spec/stream-part.js';
import { startFaultUpstream, type FaultUpstream } from '../support/fault-upstream.js';

const request: ChatRequest = { model: 'auto', messages: [{ role: 'user', content: 'What is 6 times 7?' }] };

async function text(parts: AsyncIterable<StreamPart>): Promise<string> {
  let out = '';
  for await (const part of parts) if (part.type === 'text-delta') out += part.text;
  return out;
}

async function until(check: () => boolean, timeoutMs = 2_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('hedging and parallel calls against real sockets', () => {
  let slow: FaultUpstream;
  let fast: FaultUpstream;
  let other: FaultUpstream;
  let pools: UpstreamPools;
  const modelFor = (upstream: FaultUpstream, id: string) =>
    new OpenAICompatibleChatModel({ deploymentId: id, model: 'm', baseUrl: `${upstream.url}/v1`, authStyle: 'none', path: { kind: 'standard' }, quirks: DEFAULT_QUIRKS }, pools);

  beforeAll(async () => {
    slow = await startFaultUpstream({ latency: { kind: 'fixed', ms: 3_000 }, answer: ['slow ', '42'] });
    fast = await startFaultUpstream({ latency: { kind: 'fixed', ms: 20 }, answer: ['The answer is ', '42.'] });
    other = await startFaultUpstream({ latency: { kind: 'fixed', ms: 40 }, answer: ['It is 41'] });
    pools = new UpstreamPools();
  });
  afterAll(async () => {
    await pools.close();
    await Promise.all([slow.close(), fast.close(), other.close()]);
  });

  it('a hedge starts the second deployment after the delay and aborts the slow primary connection', async () => {
    const primary = modelFor(slow, 'slow/m');
    const secondary = modelFor(fast, 'fast/m');
    const before = slow.requests.length;
    const result = await hedge({
      primary: (signal) => primary.stream(request, { signal }),
      startSecondary: (signal) => secondary.stream(request, { signal }),
      delayMs: 100,
    });
    expect(result).toMatchObject({ winner: 'secondary', hedged: true, loserAborted: true });
    expect(await text(result.stream)).toBe('The answer is 42.');
    await until(() => slow.requests[before]?.aborted === true);
  });

  it('race: the fastest answer wins and the losers are aborted', async () => {
    const models = [modelFor(slow, 'slow/m'), modelFor(fast, 'fast/m')];
    const before = slow.requests.length;
    const result = await race({ starters: models.map((model) => (signal: AbortSignal) => model.complete(request, { signal })) });
    expect(result.index).toBe(1);
    expect(result.aborted).toEqual([0]);
    await until(() => slow.requests[before]?.aborted === true);
  });

  it('consensus: majority over extracted final answers with the agreement ratio', async () => {
    const models = [modelFor(other, 'other/m'), modelFor(fast, 'fast/m'), modelFor(fast, 'fast2/m')];
    const result = await consensus({
      starters: models.map((model) => (signal: AbortSignal) => model.complete(request, { signal })),
      textOf: (answer) => answer.choices[0]?.message.content ?? '',
      comparator: 'majority',
    });
    expect(result).toMatchObject({ index: 1, key: '42', answered: 3 });
    expect(result.agreement).toBeCloseTo(2 / 3);
  });
});
