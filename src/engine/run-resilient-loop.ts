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
 */
export async function runResilientLoop<T>(
  options: AttemptLoopOptions,
  resilience: Resilience,
  call: (model: ChatModel, callOptions: CallOptions) => Promise<T>,
  usageOf: (value: T) => Usage | undefined,
): Promise<AttemptSuccess<T>> {
  const now = options.now ?? Date.now;
  const records: AttemptRecord[] = [];
  const usages = new Map<AttemptStep, Usage>();
  let lastUsage: Usage | undefined;
  const toRecord = (step: AttemptStep): AttemptRecord => {
    const record = attemptRecordOfStep(step);
    if (step.outcome === 'ok') record.ttftMs = step.latencyMs;
    const usage = usages.get(step);
    if (usage !== undefined) record.usage = usage;
    return record;
  };
  try {
    const attempts = resilientAttemptsOptions<T>(options, resilience, (deploymentId, signal) => {
      const callOptions: CallOptions = { signal, deadlines: attemptDeadlines(options.deadlinesFor?.(deploymentId), options.deadlineAt, now()) };
      if (options.headers !== undefined) callOptions.headers = options.headers;
      return call(options.modelFor(deploymentId), callOptions);
    });
    // A call here resolves with the whole answer: hedges wait on JSON answer times, not stream TTFTs.
    attempts.resolvesAt = 'answer';
    attempts.tokensOf = (value) => {
      lastUsage = usageOf(value);
      return lastUsage === undefined ? undefined : lastUsage.inputTokens + lastUsage.outputTokens;
    };
    attempts.onStep = (step) => {
      if (step.outcome === 'ok' && lastUsage !== undefined) usages.set(step, lastUsage);
      // Skipped candidates were never called: they are in the decision log, not the attempts.
      if (step.called) records.push(toRecord(step));
    };
    const done = await runResilientAttempts(attempts);
    return { value: done.value, deploymentId: done.deploymentId, attempts: records };
  } catch (error) {
    if (error instanceof AttemptsFailedError) throw new AttemptsExhaustedError(error.error, records);
    throw error;
  }
}
