import type { Decision, ScoredCandidate } from '../../src/spec/decision.js';
import type { TaskType } from '../../src/spec/task-type.js';
import type { RequestFinishedEvent } from '../../src/telemetry/gateway-observer.js';

/** A routing decision with candidates in the given order, each with an estimated cost. */
export function makeDecision(id: string, task: TaskType, candidates: Array<[deploymentId: string, estimatedCostUsd: number]>, policy = 'balanced'): Decision {
  return {
    id,
    requested: 'auto',
    policy,
    profile: { task, taskConfidence: 0.9, taskSource: 'classifier', difficulty: 0.4, inputTokens: 100, expectedOutputTokens: 200, needs: { tools: false, vision: false, json: false, streaming: false } },
    candidates: candidates.map(([deploymentId, estimatedCostUsd], index): ScoredCandidate => ({
      deploymentId,
      score: 1 - index * 0.1,
      parts: { cost: 0.5, latency: 0.5, quality: 0.5, reliability: 1, weights: { cost: 0.25, latency: 0.25, quality: 0.25, reliability: 0.25 } },
      estimatedCostUsd,
      maxCostUsd: estimatedCostUsd * 2,
      estimatedLatencyMs: 800,
      expectedQuality: 0.8,
      reasons: [`ranked ${index + 1}`],
    })),
    excluded: [],
    reasons: ['balanced weights'],
  };
}

/** A finished request answered by `deploymentId` on its first attempt. */
export function finished(requestId: string, deploymentId: string, overrides: Partial<RequestFinishedEvent> = {}): RequestFinishedEvent {
  return {
    requestId,
    decisionId: `d-${requestId}`,
    at: 0,
    endpoint: 'chat',
    policy: 'balanced',
    task: 'chat',
    streamed: false,
    deploymentId,
    attempts: [{ deploymentId, role: 'first', outcome: 'ok', latencyMs: 500, ttftMs: 200 }],
    outcome: 'ok',
    status: 200,
    usage: { inputTokens: 100, outputTokens: 50 },
    costUsd: 0.001,
    latencyMs: 500,
    ttftMs: 200,
    ...overrides,
  };
}
