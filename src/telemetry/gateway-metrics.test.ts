import { describe, expect, it } from 'vitest';
import { finished, makeDecision } from '../../test/dashboard/telemetry-fixtures.js';
import { GatewayMetrics } from './gateway-metrics.js';

/** The value of one sample line, e.g. `switchyard_requests_total{deployment="a",…}`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelPart = line.slice(name.length, line.lastIndexOf(' '));
    if (wanted.every((pair) => labelPart.includes(pair))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('GatewayMetrics', () => {
  it('counts requests, tokens, cost, attempts and decisions exactly', async () => {
    const metrics = new GatewayMetrics();
    metrics.decisionMade({ requestId: 'r1', at: 0, decision: makeDecision('d1', 'coding', [['openai/gpt-4o', 0.01]]) });
    metrics.requestStarted({ requestId: 'r1', at: 0, endpoint: 'chat' });
    metrics.requestStarted({ requestId: 'r2', at: 0, endpoint: 'chat' });
    metrics.requestFinished(finished('r1', 'openai/gpt-4o', { usage: { inputTokens: 120, outputTokens: 30, cachedInputTokens: 20 }, costUsd: 0.25 }));
    metrics.attemptFinished({ requestId: 'r2', at: 0, index: 0, won: false, deploymentId: 'a/x', role: 'first', outcome: 'overloaded', latencyMs: 10 });
    metrics.attemptFinished({ requestId: 'r2', at: 0, index: 1, won: true, deploymentId: 'b/y', role: 'fallback', outcome: 'ok', latencyMs: 10 });
    metrics.requestFinished(finished('r2', 'b/y', { costUsd: 0.5, latencyMs: 3_000 }));
    metrics.breakerChanged({ deploymentId: 'a/x', at: 0, from: 'closed', to: 'open' });
    metrics.budgetUpdated({ at: 0, scope: 'team', name: 'search', spentUsd: 25, limitUsd: 100 });
    metrics.cacheHit({ requestId: 'r3', at: 0, kind: 'exact' });
    const text = await metrics.scrape();
    expect(sample(text, 'switchyard_requests_total', { deployment: 'openai/gpt-4o', policy: 'balanced', outcome: 'ok', status: '200' })).toBe(1);
    expect(sample(text, 'switchyard_tokens_total', { deployment: 'openai/gpt-4o', kind: 'input' })).toBe(120);
    expect(sample(text, 'switchyard_tokens_total', { deployment: 'openai/gpt-4o', kind: 'cached' })).toBe(20);
    expect(sample(text, 'switchyard_cost_usd_total', { deployment: 'b/y' })).toBe(0.5);
    expect(sample(text, 'switchyard_attempts_total', { deployment: 'a/x', role: 'first', outcome: 'overloaded' })).toBe(1);
    expect(sample(text, 'switchyard_attempt_winners_total', { deployment: 'b/y', role: 'fallback' })).toBe(1);
    expect(sample(text, 'switchyard_routing_decisions_total', { task: 'coding', deployment: 'openai/gpt-4o' })).toBe(1);
    expect(sample(text, 'switchyard_breaker_state', { deployment: 'a/x' })).toBe(2);
    expect(sample(text, 'switchyard_budget_utilization_ratio', { scope: 'team', budget: 'search' })).toBe(0.25);
    expect(sample(text, 'switchyard_cache_hits_total', { kind: 'exact' })).toBe(1);
    expect(sample(text, 'switchyard_requests_in_flight')).toBe(0);
    // 3 s lands in the 4 s bucket but not the 2 s one.
    expect(sample(text, 'switchyard_request_duration_seconds_bucket', { deployment: 'b/y', le: '2' })).toBe(0);
    expect(sample(text, 'switchyard_request_duration_seconds_bucket', { deployment: 'b/y', le: '4' })).toBe(1);
  });

  it('counts hedges by winner and consensus requests by result', async () => {
    const metrics = new GatewayMetrics();
    const superseded = { role: 'first', outcome: 'superseded', errorCode: 'superseded', latencyMs: 90 } as const;
    const lateHedge = { deploymentId: 'b/y', role: 'hedge', outcome: 'superseded', errorCode: 'superseded', latencyMs: 5 } as const;
    metrics.requestFinished(finished('h1', 'b/y', { attempts: [{ deploymentId: 'a/x', ...superseded }, { deploymentId: 'b/y', role: 'hedge', outcome: 'ok', latencyMs: 40 }] }));
    metrics.requestFinished(finished('h2', 'a/x', { attempts: [lateHedge, { deploymentId: 'a/x', role: 'first', outcome: 'ok', latencyMs: 60 }] }));
    metrics.requestFinished(finished('h3', 'b/y', { outcome: 'server_error', status: 502, attempts: [{ deploymentId: 'b/y', role: 'hedge', outcome: 'server_error', latencyMs: 5 }] }));
    metrics.requestFinished(finished('plain', 'a/x'));
    metrics.attemptFinished({ requestId: 'h1', at: 0, index: 0, won: false, deploymentId: 'a/x', ...superseded });
    metrics.requestFinished(finished('c1', 'a/x', { consensus: { agreeing: 2, asked: 3, majority: true } }));
    metrics.requestFinished(finished('c2', 'a/x', { consensus: { agreeing: 1, asked: 3, majority: false } }));
    const text = await metrics.scrape();
    expect(sample(text, 'switchyard_hedges_total', { winner: 'hedge' })).toBe(1);
    expect(sample(text, 'switchyard_hedges_total', { winner: 'primary' })).toBe(1);
    expect(sample(text, 'switchyard_hedges_total', { winner: 'none' })).toBe(1);
    expect(sample(text, 'switchyard_attempts_total', { deployment: 'a/x', role: 'first', outcome: 'superseded' })).toBe(1);
    expect(sample(text, 'switchyard_attempts_total', { deployment: 'a/x', role: 'first', outcome: 'network' })).toBeUndefined();
    expect(sample(text, 'switchyard_consensus_requests_total', { result: 'majority' })).toBe(1);
    expect(sample(text, 'switchyard_consensus_requests_total', { result: 'no_majority' })).toBe(1);
  });

  it('reads breaker states and in-flight counts from live stats at scrape time', async () => {
    const metrics = new GatewayMetrics();
    metrics.trackLiveStats(() => [{ deploymentId: 'a/x', samples: 3, breaker: 'half_open', inFlight: 4 }]);
    const text = await metrics.scrape();
    expect(sample(text, 'switchyard_breaker_state', { deployment: 'a/x' })).toBe(1);
    expect(sample(text, 'switchyard_deployment_in_flight', { deployment: 'a/x' })).toBe(4);
  });

  it('pulls budget levels at scrape time and never labels a key-scoped budget', async () => {
    const metrics = new GatewayMetrics();
    let spent = 10;
    metrics.trackBudgets(async () => [
      { scope: 'global', name: 'gateway', spentUsd: spent, limitUsd: 40 },
      { scope: 'key', name: 'key_abc123', spentUsd: 1, limitUsd: 2 },
    ]);
    expect(sample(await metrics.scrape(), 'switchyard_budget_utilization_ratio', { scope: 'global', budget: 'gateway' })).toBe(0.25);
    spent = 30;
    const text = await metrics.scrape();
    expect(sample(text, 'switchyard_budget_utilization_ratio', { scope: 'global', budget: 'gateway' })).toBe(0.75);
    expect(sample(text, 'switchyard_budget_spent_usd', { scope: 'global', budget: 'gateway' })).toBe(30);
    expect(text).not.toContain('key_abc123');
  });

  it('caps label values so that a runaway source cannot explode the series count', async () => {
    const metrics = new GatewayMetrics({ maxLabelValues: 2 });
    for (const id of ['a/1', 'a/2', 'a/3', 'a/4']) metrics.requestFinished(finished(id, id));
    const text = await metrics.scrape();
    expect(sample(text, 'switchyard_requests_total', { deployment: '_other' })).toBe(2);
    expect(text).not.toContain('deployment="a/3"');
  });

  it('uses its own registry: two instances do not collide', async () => {
    const a = new GatewayMetrics();
    const b = new GatewayMetrics();
    a.requestFinished(finished('r', 'x/y'));
    expect(sample(await b.scrape(), 'switchyard_requests_total', { deployment: 'x/y' })).toBeUndefined();
  });
});
