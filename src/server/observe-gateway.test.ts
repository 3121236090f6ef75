import { describe, expect, it } from 'vitest';
import { makeDecision } from '../../test/dashboard/telemetry-fixtures.js';
import type { ChatRequest } from '../spec/chat-request.js';
import type { ChatResponse } from '../spec/chat-response.js';
import type { ChatResult, Gateway } from '../engine/gateway.js';
import type { AttemptFinishedEvent, DecisionMadeEvent, RequestFinishedEvent } from '../telemetry/gateway-observer.js';
import { observeGateway } from './observe-gateway.js';

const decision = makeDecision('d-1', 'chat', [
  ['openai/gpt-4o', 0.002],
  ['local/llama3', 0],
]);

/** A gateway whose chat answers on the second deployment after the first timed out. */
function fallbackGateway(): Gateway {
  const result: ChatResult = {
    response: { choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finishReason: 'stop' }] } as unknown as ChatResponse,
    decision,
    deploymentId: 'local/llama3',
    usage: { inputTokens: 12, outputTokens: 3 },
    costUsd: 0.0001,
    attempts: [
      { deploymentId: 'openai/gpt-4o', outcome: 'timeout', errorCode: 'upstream_timeout', latencyMs: 30 },
      { deploymentId: 'local/llama3', outcome: 'ok', latencyMs: 12, ttftMs: 11 },
    ],
  };
  return { chat: () => Promise.resolve(result) } as unknown as Gateway;
}

describe('observeGateway', () => {
  it('reports the decision, each attempt and the finish of a chat call, field by field', async () => {
    const decisions: DecisionMadeEvent[] = [];
    const attempts: AttemptFinishedEvent[] = [];
    const finished: RequestFinishedEvent[] = [];
    let clock = 1_000;
    const observed = observeGateway(
      fallbackGateway(),
      { decisionMade: (e) => decisions.push(e), attemptFinished: (e) => attempts.push(e), requestFinished: (e) => finished.push(e) },
      { now: () => clock++ },
    );
    await observed.chat({ model: 'auto', messages: [{ role: 'user', content: 'hello' }] } as ChatRequest, { requestId: 'r-1', principal: { keyId: 'key_1' } });

    expect(decisions).toStrictEqual([{ requestId: 'r-1', at: 1_000, decision, principalId: 'key_1' }]);
    expect(attempts).toStrictEqual([
      { deploymentId: 'openai/gpt-4o', role: 'first', outcome: 'timeout', latencyMs: 30, errorCode: 'upstream_timeout', requestId: 'r-1', at: 1_001, index: 0, won: false, decisionId: 'd-1' },
      { deploymentId: 'local/llama3', role: 'fallback', outcome: 'ok', latencyMs: 12, ttftMs: 11, requestId: 'r-1', at: 1_001, index: 1, won: true, decisionId: 'd-1' },
    ]);
    // Key order too: what `{ ...attempt, requestId, at, index, won }` gave.
    expect(Object.keys(attempts[1] as object)).toEqual(['deploymentId', 'role', 'outcome', 'latencyMs', 'ttftMs', 'requestId', 'at', 'index', 'won', 'decisionId']);
    const [event] = finished;
    expect(event).toMatchObject({
      requestId: 'r-1',
      decisionId: 'd-1',
      policy: 'balanced',
      task: 'chat',
      status: 200,
      endpoint: 'chat',
      streamed: false,
      deploymentId: 'local/llama3',
      outcome: 'ok',
      usage: { inputTokens: 12, outputTokens: 3 },
      costUsd: 0.0001,
      ttftMs: 11,
      principalId: 'key_1',
      attempts: attempts.map(({ deploymentId, role, outcome, latencyMs }) => expect.objectContaining({ deploymentId, role, outcome, latencyMs })),
      at: 1_001,
    });
    expect(event?.latencyMs).toBeGreaterThanOrEqual(0);
    expect(Object.keys(event as object).slice(-3)).toEqual(['attempts', 'at', 'latencyMs']);
  });
});
