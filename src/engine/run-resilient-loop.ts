import type { CallOptions, ChatModel } from '../spec/chat-model.js';
import type { Usage } from '../spec/usage.js';
import { attemptDeadlines } from '../resilience/deadline-plan.js';
import type { Resilience } from '../resilience/resilience.js';
import { AttemptsFailedError, runResilientAttempts, type AttemptStep } from '../resilience/run-resilient-attempts.js';
import { AttemptsExhaustedError } from './attempts-exhausted-error.js';
import type { AttemptLoopOptions, AttemptSuccess } from './attempt-loop.js';
import { attemptRecordOfStep } from './attempt-record-of-step.js';
import { resilientAttemptsOptions } from './resilient-attempts-options.js';
import type { AttemptRecord } from './gateway.js';

/**
 * The attempt loop with the resilience layer in charge: admission (breakers, 429 cool-downs,
 * RPM/TPM, concurrency queue), retries with backoff and retry-after, fallback by outcome class,
 * the retry budget and the whole-request deadline. Attempt records keep the engine's shape.
 * Not async: the loop's promise is continued with one `then` (nothing here throws before it).
 */
export function runResilientLoop<T>(
  options: AttemptLoopOptions,
  resilience: Resilience,
  call: (model: ChatModel, callOptions: CallOptions) => Promise<T>,
  usageOf: (value: T) => Usage | undefined,
): Promise<AttemptSuccess<T>> {
  const now = options.now ?? Date.now;
  const records: AttemptRecord[] = [];
  // Every upstream call's answer, in call order: a losing leg's may land all the same (and be charged).
  const answers: Array<{ deploymentId: string; answer: Promise<T> }> = [];
  let lastUsage: Usage | undefined;
  const toRecord = (step: AttemptStep, usage: Usage | undefined): AttemptRecord => {
    const record = attemptRecordOfStep(step);
    if (step.outcome === 'ok') record.ttftMs = step.latencyMs;
    if (usage !== undefined) record.usage = usage;
    return record;
  };
  const attempts = resilientAttemptsOptions<T>(options, resilience, (deploymentId, signal) => {
    const callOptions: CallOptions = { signal, deadlines: attemptDeadlines(options.deadlinesFor?.(deploymentId), options.deadlineAt, now()) };
    if (options.headers !== undefined) callOptions.headers = options.headers;
    const answer = call(options.modelFor(deploymentId), callOptions);
    answers.push({ deploymentId, answer });
    return answer;
  });
  // A call here resolves with the whole answer: hedges wait on JSON answer times, not stream TTFTs.
  attempts.resolvesAt = 'answer';
  attempts.tokensOf = (value) => {
    lastUsage = usageOf(value);
    return lastUsage === undefined ? undefined : lastUsage.inputTokens + lastUsage.outputTokens;
  };
  attempts.onStep = (step) => {
    // Skipped candidates were never called: they are in the decision log, not the attempts.
    // The winner's step comes right after `tokensOf` read its usage.
    if (step.called) records.push(toRecord(step, step.outcome === 'ok' ? lastUsage : undefined));
  };
  return runResilientAttempts(attempts).then(
    (done): AttemptSuccess<T> | Promise<AttemptSuccess<T>> => {
      const success: AttemptSuccess<T> = { value: done.value, deploymentId: done.deploymentId, attempts: records };
      // One call (nearly every request) has no loser to wait for: no extra settle pass on that path.
      return answers.length > 1 ? showLosersCharges(answers, done.value, records, usageOf).then(() => success) : success;
    },
    (error: unknown) => {
      throw error instanceof AttemptsFailedError ? new AttemptsExhaustedError(error.error, records) : error;
    },
  );
}

/**
 * A losing leg is aborted when another answers, but a whole answer that landed in the same tick
 * is charged all the same (its reservation settles at that answer's cost). Waits for every leg's
 * call to end, aborted ones promptly, so that the request's cost is complete before its row is
 * written, and gives such a loser's record the usage it was charged for: its attempt row then
 * shows that cost, and the request row stays the sum of its attempt rows.
 */
async function showLosersCharges<T>(
  answers: ReadonlyArray<{ deploymentId: string; answer: Promise<T> }>,
  winner: T,
  records: readonly AttemptRecord[],
  usageOf: (value: T) => Usage | undefined,
): Promise<void> {
  const ended = await Promise.allSettled(answers.map((call) => call.answer));
  ended.forEach((end, index) => {
    if (end.status !== 'fulfilled' || end.value === winner) return;
    const deploymentId = answers[index]?.deploymentId;
    // Only the first call is spread, over distinct deployments: a deployment loses at most once.
    const record = records.find((r) => r.deploymentId === deploymentId && r.outcome === 'superseded');
    const usage = usageOf(end.value);
    if (record !== undefined && usage !== undefined) record.usage = usage;
  });
}
