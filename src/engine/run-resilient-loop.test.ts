import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { modelProfileFixture } from '../../test/support/model-profile-fixture.js';
import { Accounting } from '../accounting/accounting.js';
import { ManualClock } from '../resilience/manual-clock.js';
import { Resilience } from '../resilience/resilience.js';
import type { ChatModel } from '../spec/chat-model.js';
import type { ChatResponse } from '../spec/chat-response.js';
import type { Usage } from '../spec/usage.js';
import { MemoryStore } from '../state/memory-store.js';
import { runAttempts } from './attempt-loop.js';
import { RequestCharge } from './request-charge.js';

let accounting: Accounting;

beforeEach(async () => {
  accounting = await Accounting.open({ store: new MemoryStore(), clock: () => 1_700_000_000_000, anomaly: false });
});

afterEach(async () => {
  await accounting.close();
});

/** Models whose complete answers all land together, when the test says so (an abort after that changes nothing). */
function simultaneousModels(usage: Record<string, Usage>) {
  let land!: () => void;
  const landed = new Promise<void>((resolve) => (land = resolve));
  const modelFor = (deploymentId: string): ChatModel => ({
    deploymentId,
    provider: 'fake',
    complete: async (_request, options) => {
      const aborted = new Promise<never>((_resolve, reject) => options?.signal?.addEventListener('abort', () => reject(options.signal?.reason), { once: true }));
      await Promise.race([landed, aborted]);
      const answer: ChatResponse = { id: deploymentId, created: 0, model: deploymentId, choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finishReason: 'stop' }], usage: usage[deploymentId] as Usage };
      return answer;
    },
    stream: () => {
      throw new Error('not used');
    },
  });
  return { modelFor, land };
}

describe('runResilientLoop', () => {
  it('a losing JSON leg whose whole answer landed with the winner\'s shows what it was charged: request row = sum of attempt rows', async () => {
    const clock = new ManualClock(1_000_000);
    const resilience = new Resilience({ profiles: new Map(['a', 'b'].map((id) => [id, modelProfileFixture(id)])), clock });
    const usage: Record<string, Usage> = { a: { inputTokens: 1_000, outputTokens: 500 }, b: { inputTokens: 1_000, outputTokens: 100 } };
    const prices: Record<string, number> = { a: 0.002, b: 0.001 };
    const costOf = (deploymentId: string, used: Usage): number => (prices[deploymentId] ?? 0) * (used.inputTokens + used.outputTokens) / 1_000;
    const charge = new RequestCharge({ accounting, principal: { keyId: 'k1' }, requestId: 'r1', streamed: false, now: () => clock.now() });
    const { modelFor, land } = simultaneousModels(usage);

    const running = runAttempts(
      { candidates: ['a', 'b'], modelFor, resilience, spread: { kind: 'race', n: 2 }, now: () => clock.now() },
      (model, options) => charge.around(0.5, undefined, () => model.complete({ model: 'auto', messages: [] }, options), (answer) => costOf(model.deploymentId, answer.usage)),
      (answer) => answer.usage,
    );
    await new Promise((resolve) => setImmediate(resolve));
    land();
    const done = await running;
    await charge.finish({ outcome: 'ok', deploymentId: done.deploymentId, usage: done.value.usage, attempts: done.attempts, costOf });
    await accounting.ledger.flush();

    const rows = await accounting.store.ledger.listEntries({ requestId: 'r1' });
    const request = rows.find((row) => row.kind === 'request');
    const attempts = rows.filter((row) => row.kind === 'attempt');
    const loser = attempts.find((row) => row.outcome === 'superseded');
    expect(loser).toBeDefined();
    const loserId = loser?.deploymentId ?? '';
    expect(loser?.costUsd).toBeCloseTo(costOf(loserId, usage[loserId] as Usage), 12);
    expect(request?.costUsd).toBeCloseTo(costOf('a', usage.a as Usage) + costOf('b', usage.b as Usage), 12);
    expect(attempts.reduce((sum, row) => sum + row.costUsd, 0)).toBeCloseTo(request?.costUsd ?? -1, 12);
    expect(accounting.budgets.outstandingReservations().count).toBe(0);
  });
});
