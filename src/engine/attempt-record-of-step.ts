import type { AttemptStep } from '../resilience/run-resilient-attempts.js';
import type { AttemptRecord } from './gateway.js';

/** A resilience step as the engine's attempt record: deployment, outcome, latency, error and role. */
export function attemptRecordOfStep(step: AttemptStep): AttemptRecord {
  const record: AttemptRecord = { deploymentId: step.deploymentId, outcome: step.outcome, latencyMs: step.latencyMs };
  if (step.error !== undefined) {
    record.errorCode = step.error.code;
    record.message = step.error.message;
  }
  if (step.role !== undefined) record.role = step.role;
  return record;
}
