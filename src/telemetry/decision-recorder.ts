import type { Decision } from '../spec/decision.js';
import { isFailedOutcome } from '../spec/outcome-class.js';
import type { DecisionLog, DecisionRecord } from './decision-record.js';
import type { DecisionMadeEvent, GatewayObserver, RequestFinishedEvent } from './gateway-observer.js';

/** Decisions waiting for their request to finish; past this many the oldest is dropped (a lost finish event must not leak). */
const MAX_PENDING = 10_000;

/**
 * Joins each decision with how its request ended and appends the result to a decision log.
 * Requests that ended before any decision (invalid input, nothing to route to) leave no record.
 */
export class DecisionRecorder implements GatewayObserver {
  private readonly pending = new Map<string, DecisionMadeEvent>();

  constructor(private readonly log: DecisionLog) {}

  decisionMade(event: DecisionMadeEvent): void {
    if (this.pending.size >= MAX_PENDING) {
      const oldest = this.pending.keys().next();
      if (oldest.done !== true) this.pending.delete(oldest.value);
    }
    this.pending.set(event.requestId, event);
  }

  requestFinished(event: RequestFinishedEvent): void {
    const made = this.pending.get(event.requestId);
    if (made === undefined) return;
    this.pending.delete(event.requestId);
    this.log.append(toDecisionRecord(made.decision, event, made.principalId ?? event.principalId));
  }
}

export function toDecisionRecord(decision: Decision, event: RequestFinishedEvent, principalId?: string): DecisionRecord {
  let mostExpensive: DecisionRecord['mostExpensive'];
  for (const candidate of decision.candidates) {
    if (mostExpensive === undefined || candidate.estimatedCostUsd > mostExpensive.estimatedCostUsd) {
      mostExpensive = { deploymentId: candidate.deploymentId, estimatedCostUsd: candidate.estimatedCostUsd };
    }
  }
  const firstPick = decision.candidates[0]?.deploymentId;
  const firstAttempt = event.attempts[0];
  const winner = event.outcome === 'ok' ? event.deploymentId : undefined;
  const record: DecisionRecord = {
    id: decision.id,
    requestId: event.requestId,
    at: event.at,
    requested: decision.requested,
    policy: decision.policy,
    profile: decision.profile,
    candidates: decision.candidates.map((c) => ({
      deploymentId: c.deploymentId,
      score: c.score,
      parts: c.parts,
      estimatedCostUsd: c.estimatedCostUsd,
      estimatedLatencyMs: c.estimatedLatencyMs,
      expectedQuality: c.expectedQuality,
      reasons: c.reasons,
    })),
    excluded: decision.excluded,
    reasons: decision.reasons,
    result: {
      outcome: event.outcome,
      status: event.status,
      attempts: event.attempts,
      // A first pick that a hedge or race leg beat to the answer was slow, not failed.
      firstPickFailed: firstAttempt !== undefined && firstAttempt.deploymentId === firstPick && isFailedOutcome(firstAttempt.outcome),
      costUsd: event.costUsd,
      latencyMs: event.latencyMs,
    },
  };
  if (principalId !== undefined) record.principalId = principalId;
  if (decision.elapsedUs !== undefined) record.elapsedUs = decision.elapsedUs;
  if (decision.experiment !== undefined) record.experiment = decision.experiment;
  if (mostExpensive !== undefined) record.mostExpensive = mostExpensive;
  if (event.errorCode !== undefined) record.result.errorCode = event.errorCode;
  if (winner !== undefined) record.result.winner = winner;
  if (event.usage !== undefined) record.result.usage = event.usage;
  return record;
}
