import type { CallOptions, ChatModel } from '../spec/chat-model.js';
import type { ChatResponse } from '../spec/chat-response.js';
import { GatewayError, toGatewayError } from '../errors/gateway-error.js';
import { consensus } from '../resilience/consensus.js';
import { runAttempts, type AttemptLoopOptions, type AttemptSuccess } from './attempt-loop.js';
import { AttemptsExhaustedError } from './attempts-exhausted-error.js';
import type { AttemptRecord, ConsensusOutcome } from './gateway.js';
import type { ConsensusPlan } from './parallel-plan.js';

/** What consensus compares: the first choice's text, and its tool calls when it made any. */
export function answerText(response: ChatResponse): string {
  const message = response.choices[0]?.message;
  if (message === undefined) return '';
  const calls = (message.toolCalls ?? []).map((call) => `${call.function.name}(${call.function.arguments})`);
  return [message.content ?? '', ...calls].join('\n');
}

/**
 * `mode: consensus`: asks the first `n` candidates at once, each through its own attempt loop
 * (admission, and retries on that deployment while the request's `maxAttempts`, shared among the
 * legs, allows), groups the answers by the plan's comparator and returns the largest group's
 * best-ranked answer. Agreement is counted over the candidates asked, so a failed leg is not
 * an agreeing one; a majority is more than half of them. Every leg is charged for what it used.
 * Without a majority the answer still goes out unless the plan says `error` (502 `no_consensus`).
 */
export async function runConsensus(
  options: AttemptLoopOptions,
  plan: ConsensusPlan,
  call: (model: ChatModel, callOptions: CallOptions) => Promise<ChatResponse>,
): Promise<AttemptSuccess<ChatResponse>> {
  const asked = options.candidates.slice(0, plan.n);
  const perLeg = Math.max(1, Math.floor((options.maxAttempts ?? asked.length) / asked.length));
  const records: AttemptRecord[][] = asked.map(() => []);
  const starters = asked.map((deploymentId, index) => async (signal: AbortSignal) => {
    const leg: AttemptLoopOptions = { ...options, candidates: [deploymentId], maxAttempts: perLeg, onlyCandidates: true, signal };
    delete leg.consensus;
    delete leg.spread;
    try {
      const done = await runAttempts(leg, call, (response) => response.usage);
      records[index] = done.attempts;
      return done;
    } catch (error) {
      if (error instanceof AttemptsExhaustedError) records[index] = error.attempts;
      throw error;
    }
  });
  // Legs end on their own signals; the request's (client gone) reaches each through its loop.
  const attemptsFor = (winner: number | undefined): AttemptRecord[] => {
    const order = asked.map((_, index) => index).filter((index) => index !== winner);
    if (winner !== undefined) order.push(winner);
    return order.flatMap((index) => (records[index] ?? []).map((record) => ({ ...record, role: 'consensus' as const })));
  };
  let result;
  try {
    result = await consensus({ starters, textOf: (done) => answerText(done.value), comparator: plan.comparator, ...(options.signal === undefined ? {} : { signal: options.signal }) });
  } catch (error) {
    throw new AttemptsExhaustedError(toGatewayError(error), attemptsFor(undefined));
  }
  const agreeing = result.groups[0]?.indices.length ?? 0;
  const outcome: ConsensusOutcome = { agreeing, asked: asked.length, answered: result.answered, majority: agreeing * 2 > asked.length };
  const attempts = attemptsFor(result.index);
  if (!outcome.majority && plan.onNoMajority === 'error') {
    const error = new GatewayError('no_consensus', `No answer has a majority: ${agreeing} of ${asked.length} candidates agree at most (${result.answered} answered).`);
    throw new AttemptsExhaustedError(error, attempts, error.message);
  }
  return { value: result.value.value, deploymentId: result.value.deploymentId, attempts, consensus: outcome };
}

/** Whether a chat request is answered by consensus (a single candidate is simply asked). */
export function usesConsensus(options: AttemptLoopOptions): boolean {
  return options.consensus !== undefined && options.candidates.length > 1;
}

/** The answer loop for chat: consensus when the policy asks for it, else the ordinary loop. */
export function runAnswerAttempts(
  options: AttemptLoopOptions,
  call: (model: ChatModel, callOptions: CallOptions) => Promise<ChatResponse>,
): Promise<AttemptSuccess<ChatResponse>> {
  if (options.consensus !== undefined && usesConsensus(options)) return runConsensus(options, options.consensus, call);
  return runAttempts(options, call, (response) => response.usage);
}
