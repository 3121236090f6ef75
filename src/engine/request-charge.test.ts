import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Accounting } from '../accounting/accounting.js';
import { MemoryStore } from '../state/memory-store.js';
import { RequestCharge } from './request-charge.js';

let now = 1_700_000_000_000;
let accounting: Accounting;

beforeEach(async () => {
  now = 1_700_000_000_000;
  accounting = await Accounting.open({ store: new MemoryStore(), clock: () => now, anomaly: false });
  await accounting.budgets.setBudget({ scope: 'team', scopeId: 'ml', period: 'day', limitUsd: 1 });
});

afterEach(async () => {
  await accounting.close();
});

const charge = (): RequestCharge => new RequestCharge({ accounting, principal: { keyId: 'k1', team: 'ml' }, requestId: 'r1', streamed: true, now: () => now });
const costOf = (): number => 0.01;

describe('RequestCharge', () => {
  it('holds per attempt, settles once, and writes one request row whose cost is the sum of its settlements', async () => {
    const c = charge();
    now += 5;
    const first = await c.reserve(0.5);
    const second = await c.reserve(0.4);
    expect(accounting.budgets.outstandingReservations().count).toBe(2);
    await expect(c.reserve(0.2)).rejects.toMatchObject({ code: 'budget_exceeded', status: 429 });
    await c.settle(first, 0.1);
    await c.settle(first, 0.3); // a finalizer after a cut: ignored
    await c.release(second);
    expect(c.costUsd).toBeCloseTo(0.1, 12);
    now += 100;
    await c.finish({
      outcome: 'ok', deploymentId: 'a/b', usage: { inputTokens: 10, outputTokens: 5 }, decisionId: 'd1', costOf, ttftMs: 7,
      attempts: [
        { deploymentId: 'a/x', outcome: 'server_error', errorCode: 'upstream_server_error', latencyMs: 3 },
        { deploymentId: 'a/b', outcome: 'ok', latencyMs: 90, ttftMs: 7, usage: { inputTokens: 10, outputTokens: 5 } },
      ],
    });
    await accounting.ledger.flush();
    const rows = await accounting.store.ledger.listEntries({ requestId: 'r1' });
    const request = rows.find((r) => r.kind === 'request');
    expect(request).toMatchObject({ keyId: 'k1', team: 'ml', deploymentId: 'a/b', costUsd: 0.1, startedAt: first.createdAt, latencyMs: 105, ttftMs: 7, decisionId: 'd1', streamed: true });
    const attempts = rows.filter((r) => r.kind === 'attempt').sort((a, b) => (a.attempt ?? 0) - (b.attempt ?? 0));
    expect(attempts.map((a) => [a.deploymentId, a.outcome, a.costUsd])).toEqual([['a/x', 'server_error', 0], ['a/b', 'ok', 0.01]]);
    expect(accounting.budgets.outstandingReservations()).toEqual({ count: 0, totalUsd: 0 });
    const [status] = await accounting.budgets.getBudgets();
    expect(status?.spentUsd).toBeCloseTo(0.1, 12);
  });

  it('around settles with the answer cost and releases on failure', async () => {
    const c = charge();
    await expect(c.around(0.2, undefined, () => Promise.resolve('answer'), () => 0.05)).resolves.toBe('answer');
    await expect(c.around(0.2, undefined, () => Promise.reject(new Error('down')), () => 0.05)).rejects.toThrow('down');
    expect(c.costUsd).toBeCloseTo(0.05, 12);
    expect(accounting.budgets.outstandingReservations().count).toBe(0);
  });

  it('a refusal inside the loop is a 429 with a neutral outcome, so that no deployment is blamed', async () => {
    const c = charge();
    let called = false;
    const run = (): Promise<string> => {
      called = true;
      return Promise.resolve('never');
    };
    await expect(c.around(5, undefined, run, () => 0)).rejects.toMatchObject({ code: 'budget_exceeded', status: 429, outcome: 'invalid_request' });
    expect(called).toBe(false);
  });

  it('drain waits for a late settlement; finish frees what is still held', async () => {
    const c = charge();
    const held = await c.reserve(0.3);
    let drained = false;
    const draining = c.drain().then(() => (drained = true));
    await Promise.resolve();
    expect(drained).toBe(false);
    await c.settle(held, 0.2);
    await draining;
    expect(drained).toBe(true);
    const c2 = charge();
    await c2.reserve(0.3);
    await c2.finish({ outcome: 'network', errorCode: 'client_closed', attempts: [], costOf });
    expect(accounting.budgets.outstandingReservations().count).toBe(0);
  });

  it('drain frees a reservation held ahead of an attempt that never started, without waiting for it', async () => {
    const c = charge();
    await c.reserveAhead(0.3);
    // Admission refused every attempt: nobody will settle it. An hour of grace shows drain does not wait.
    await c.drain(3_600_000);
    expect(accounting.budgets.outstandingReservations().count).toBe(0);
    // Once claimed by its attempt, it is that attempt's to settle: drain waits for it again.
    const claimed = await c.reserveAhead(0.3);
    c.claim(claimed);
    let drained = false;
    const draining = c.drain().then(() => (drained = true));
    await Promise.resolve();
    expect(drained).toBe(false);
    await c.settle(claimed, 0.1);
    await draining;
    expect(c.costUsd).toBeCloseTo(0.1, 12);
  });
});
