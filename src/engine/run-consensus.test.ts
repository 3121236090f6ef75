import { describe, expect, it } from 'vitest';
import type { ChatModel } from '../spec/chat-model.js';
import type { ChatResponse } from '../spec/chat-response.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { AttemptLoopOptions } from './attempt-loop.js';
import { AttemptsExhaustedError } from './attempts-exhausted-error.js';
import { answerText, runAnswerAttempts, runConsensus, usesConsensus } from './run-consensus.js';
import { parallelPlan, type ConsensusPlan } from './parallel-plan.js';

function response(content: string): ChatResponse {
  return { id: 'r', created: 0, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content }, finishReason: 'stop' }], usage: { inputTokens: 10, outputTokens: 2 } };
}

/** Deployments that answer a fixed text, or fail with a fixed error. */
function loop(answers: Record<string, string | GatewayError>): AttemptLoopOptions {
  const modelFor = (deploymentId: string): ChatModel => ({
    deploymentId,
    provider: 'fake',
    complete: async () => {
      const answer = answers[deploymentId];
      if (answer instanceof GatewayError) throw answer;
      return response(answer ?? '');
    },
    stream: () => {
      throw new Error('not used');
    },
  });
  return { candidates: Object.keys(answers), modelFor };
}

const plan = (overrides: Partial<ConsensusPlan> = {}): ConsensusPlan => ({ n: 3, comparator: 'majority', onNoMajority: 'answer', ...overrides });
const complete = (model: ChatModel, options: Parameters<ChatModel['complete']>[1]) => model.complete({ model: 'auto', messages: [] }, options);

describe('runConsensus', () => {
  it('returns the best-ranked answer of the largest group, with the agreement over those asked; the winner is the last attempt', async () => {
    const done = await runConsensus(loop({ a: 'It is 41.', b: 'The answer is 42.', c: 'Final answer: 42' }), plan(), complete);
    expect(done.deploymentId).toBe('b');
    expect(done.consensus).toEqual({ agreeing: 2, asked: 3, answered: 3, majority: true });
    expect(done.attempts.map((a) => `${a.deploymentId}:${a.role}`)).toEqual(['a:consensus', 'c:consensus', 'b:consensus']);
  });

  it('a failed candidate does not agree: one answer out of three asked is no majority', async () => {
    const down = new GatewayError('upstream_server_error', '500');
    const done = await runConsensus(loop({ a: 'x', b: down, c: down }), plan({ comparator: 'exact' }), complete);
    expect(done.consensus).toEqual({ agreeing: 1, asked: 3, answered: 1, majority: false });
    expect(done.attempts.map((a) => a.outcome)).toEqual(['server_error', 'server_error', 'ok']);
  });

  it('without a majority and onNoMajority: error, fails with no_consensus and keeps every attempt', async () => {
    const caught = await runConsensus(loop({ a: 'one', b: 'two', c: 'three' }), plan({ comparator: 'exact', onNoMajority: 'error' }), complete).catch((error: unknown) => error);
    expect(caught).toBeInstanceOf(AttemptsExhaustedError);
    expect((caught as AttemptsExhaustedError).code).toBe('no_consensus');
    expect((caught as AttemptsExhaustedError).status).toBe(502);
    expect((caught as AttemptsExhaustedError).attempts).toHaveLength(3);
  });

  it('when every candidate fails, fails with the best-ranked failure and every attempt', async () => {
    const caught = await runConsensus(loop({ a: new GatewayError('overloaded', '503'), b: new GatewayError('network_error', 'reset') }), plan(), complete).catch((error: unknown) => error);
    expect((caught as AttemptsExhaustedError).code).toBe('overloaded');
    expect((caught as AttemptsExhaustedError).attempts.map((a) => a.deploymentId).sort()).toEqual(['a', 'b']);
  });

  it('asks only the first n candidates; a single candidate is simply asked', async () => {
    const done = await runConsensus(loop({ a: '1', b: '1', c: '2', d: '2' }), plan({ n: 2 }), complete);
    expect(done.consensus).toMatchObject({ agreeing: 2, asked: 2 });
    const single = { ...loop({ a: 'only' }), consensus: plan() };
    expect(usesConsensus(single)).toBe(false);
    expect((await runAnswerAttempts(single, complete)).consensus).toBeUndefined();
  });

  it('compares tool calls too, and fills the plan defaults', () => {
    const call = response('');
    call.choices[0]!.message.toolCalls = [{ id: 'c1', type: 'function', function: { name: 'add', arguments: '{"a":1}' } }];
    expect(answerText(call)).toBe('\nadd({"a":1})');
    expect(parallelPlan('consensus', undefined)).toEqual({ mode: 'consensus', n: 3, comparator: 'normalized', onNoMajority: 'answer' });
    expect(parallelPlan('race', { n: 4 })).toEqual({ mode: 'race', n: 4 });
    expect(parallelPlan('single', { n: 4 })).toBeUndefined();
  });
});
