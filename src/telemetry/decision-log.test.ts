import { describe, expect, it } from 'vitest';
import { finished, makeDecision } from '../../test/dashboard/telemetry-fixtures.js';
import { DecisionRecorder } from './decision-recorder.js';
import { MemoryDecisionLog } from './memory-decision-log.js';
import { summarizeDecisions } from './summarize-decisions.js';

function feed(recorder: DecisionRecorder, id: string, at: number, task: 'coding' | 'chat', candidates: Array<[string, number]>, result: Parameters<typeof finished>[2] & { deploymentId: string }): void {
  recorder.decisionMade({ requestId: `r-${id}`, at, decision: makeDecision(id, task, candidates) });
  recorder.requestFinished(finished(`r-${id}`, result.deploymentId, { ...result, at, decisionId: id }));
}

describe('decision audit log', () => {
  it('joins decisions with their outcome and answers queries by id, time, task and deployment', async () => {
    let now = 5_000;
    const log = new MemoryDecisionLog({ now: () => now });
    const recorder = new DecisionRecorder(log);
    feed(recorder, 'd1', 1_000, 'coding', [['big/m', 0.1], ['small/m', 0.01]], { deploymentId: 'big/m', costUsd: 0.09 });
    feed(recorder, 'd2', 2_000, 'chat', [['small/m', 0.01], ['big/m', 0.1]], {
      deploymentId: 'big/m',
      costUsd: 0.08,
      attempts: [
        { deploymentId: 'small/m', role: 'first', outcome: 'server_error', errorCode: 'upstream_server_error', latencyMs: 50 },
        { deploymentId: 'big/m', role: 'fallback', outcome: 'ok', latencyMs: 900 },
      ],
    });
    feed(recorder, 'd3', 3_000, 'chat', [['small/m', 0.01], ['big/m', 0.1]], { deploymentId: 'small/m', costUsd: 0.012 });

    const d2 = await log.get('d2');
    expect(d2?.result.winner).toBe('big/m');
    expect(d2?.result.firstPickFailed).toBe(true);
    expect(d2?.mostExpensive).toEqual({ deploymentId: 'big/m', estimatedCostUsd: 0.1 });
    expect(d2?.candidates.map((c) => c.deploymentId)).toEqual(['small/m', 'big/m']);
    expect((await log.query({})).map((r) => r.id)).toEqual(['d3', 'd2', 'd1']);
    expect((await log.query({ task: 'chat' })).map((r) => r.id)).toEqual(['d3', 'd2']);
    expect((await log.query({ deployment: 'small/m' })).map((r) => r.id)).toEqual(['d3', 'd2']);
    expect((await log.query({ from: 1_500, to: 3_000 })).map((r) => r.id)).toEqual(['d2']);
    expect((await log.query({ limit: 1 })).map((r) => r.id)).toEqual(['d3']);

    // Retention: records older than a day disappear.
    now = 86_400_000 + 2_500;
    expect((await log.query({})).map((r) => r.id)).toEqual(['d3']);
    expect(await log.get('d1')).toBeUndefined();
  });

  it('a first pick beaten to the answer by a hedge was slow, not failed', async () => {
    const log = new MemoryDecisionLog({ now: () => 5_000 });
    const recorder = new DecisionRecorder(log);
    feed(recorder, 'h1', 1_000, 'chat', [['slow/m', 0.01], ['fast/m', 0.01]], {
      deploymentId: 'fast/m',
      attempts: [
        { deploymentId: 'slow/m', role: 'first', outcome: 'superseded', errorCode: 'superseded', latencyMs: 300 },
        { deploymentId: 'fast/m', role: 'hedge', outcome: 'ok', latencyMs: 80 },
      ],
    });
    const record = await log.get('h1');
    expect(record?.result).toMatchObject({ winner: 'fast/m', firstPickFailed: false });
    expect(record?.result.attempts.map((a) => a.role)).toEqual(['first', 'hedge']);
  });

  it('keeps at most maxRecords, dropping the oldest', async () => {
    const log = new MemoryDecisionLog({ maxRecords: 2, now: () => 0 });
    const recorder = new DecisionRecorder(log);
    for (const id of ['a', 'b', 'c']) feed(recorder, id, 0, 'chat', [['x/y', 0.01]], { deploymentId: 'x/y' });
    expect((await log.query({})).map((r) => r.id)).toEqual(['c', 'b']);
    expect(await log.get('a')).toBeUndefined();
  });

  it('summarizes shares, first-pick failures and savings against the dearest deployment used', async () => {
    const log = new MemoryDecisionLog({ now: () => 10_000 });
    const recorder = new DecisionRecorder(log);
    feed(recorder, 'd1', 1_000, 'coding', [['big/m', 0.1], ['small/m', 0.01]], { deploymentId: 'big/m', costUsd: 0.1 });
    feed(recorder, 'd2', 2_000, 'chat', [['small/m', 0.01], ['big/m', 0.1]], {
      deploymentId: 'big/m',
      costUsd: 0.1,
      attempts: [
        { deploymentId: 'small/m', role: 'first', outcome: 'server_error', latencyMs: 50 },
        { deploymentId: 'big/m', role: 'fallback', outcome: 'ok', latencyMs: 900 },
      ],
    });
    feed(recorder, 'd3', 3_000, 'chat', [['small/m', 0.01], ['big/m', 0.1]], { deploymentId: 'small/m', costUsd: 0.01 });
    feed(recorder, 'd4', 4_000, 'chat', [['small/m', 0.02], ['big/m', 0.2]], { deploymentId: 'small/m', costUsd: 0.02 });
    const summary = summarizeDecisions(await log.query({ limit: 100 }));
    expect(summary.decisions).toBe(4);
    expect(summary.costUsd).toBeCloseTo(0.23);
    expect(summary.firstPick).toEqual({ failed: 1, rate: 0.25 });
    expect(summary.byDeployment.map((d) => [d.deploymentId, d.requests, d.share])).toEqual([
      ['big/m', 2, 0.5],
      ['small/m', 2, 0.5],
    ]);
    const chat = summary.byTask.find((t) => t.task === 'chat')!;
    expect(chat.requests).toBe(3);
    expect(chat.deployments.find((d) => d.deploymentId === 'small/m')!.share).toBeCloseTo(2 / 3);
    expect(summary.savings?.baselineDeployment).toBe('big/m');
    expect(summary.savings?.baselineCostUsd).toBeCloseTo(0.5);
    expect(summary.savings?.savedUsd).toBeCloseTo(0.27);
  });

  it('leaves no record for a request that finished without a decision', async () => {
    const log = new MemoryDecisionLog();
    new DecisionRecorder(log).requestFinished(finished('r', 'x/y'));
    expect(await log.query({})).toEqual([]);
  });
});
