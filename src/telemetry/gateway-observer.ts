import type { Decision } from '../spec/decision.js';
import type { OutcomeClass } from '../spec/outcome-class.js';
import type { TaskType } from '../spec/task-type.js';
import type { Usage } from '../spec/usage.js';

/**
 * Why an attempt was made: the decision's first pick, the same deployment again, the next
 * candidate, a hedge beside a slow first pick, or one of the parallel calls of `mode: race` or
 * `mode: consensus`.
 */
export type AttemptRole = 'first' | 'retry' | 'fallback' | 'hedge' | 'race' | 'consensus';

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface RequestStartedEvent {
  requestId: string;
  /** Epoch milliseconds. */
  at: number;
  endpoint: 'chat' | 'embeddings';
}

export interface DecisionMadeEvent {
  requestId: string;
  at: number;
  decision: Decision;
  principalId?: string;
}

/** One upstream call as telemetry sees it. */
export interface AttemptSummary {
  deploymentId: string;
  role: AttemptRole;
  outcome: OutcomeClass;
  errorCode?: string;
  latencyMs: number;
  ttftMs?: number;
}

export interface AttemptFinishedEvent extends AttemptSummary {
  requestId: string;
  decisionId?: string;
  at: number;
  /** Position in the request's attempts, from 0. */
  index: number;
  /** True for the attempt whose answer went to the client. */
  won: boolean;
}

export interface RequestFinishedEvent {
  requestId: string;
  decisionId?: string;
  at: number;
  endpoint: 'chat' | 'embeddings';
  /** The principal's id (a key id, never the key itself). */
  principalId?: string;
  policy?: string;
  task?: TaskType;
  streamed: boolean;
  /** The deployment that answered, or the last one tried when none did. */
  deploymentId?: string;
  attempts: AttemptSummary[];
  outcome: OutcomeClass;
  /** HTTP status the client saw (200 for a stream that failed after its commit point). */
  status: number;
  errorCode?: string;
  usage?: Usage;
  costUsd: number;
  latencyMs: number;
  ttftMs?: number;
  /** `mode: consensus`: how many of the candidates asked gave the answer returned. */
  consensus?: { agreeing: number; asked: number; majority: boolean };
  /** Set only when prompt logging is on; redacted by the logger before it is written. */
  prompt?: string;
  completion?: string;
}

export interface BreakerChangedEvent {
  deploymentId: string;
  at: number;
  from: BreakerState;
  to: BreakerState;
}

export interface BudgetUpdatedEvent {
  at: number;
  /** `global`, `team`, `key`, … */
  scope: string;
  /** A display name from configuration; never a key id or secret (it becomes a metric label). */
  name: string;
  spentUsd: number;
  limitUsd: number;
}

/** A budget's level as cost control reports it, pushed (`budgetUpdated`) or pulled (`attachBudgets`). */
export type BudgetLevel = Omit<BudgetUpdatedEvent, 'at'>;

export interface CacheHitEvent {
  requestId: string;
  at: number;
  /** `exact`, `semantic`, … */
  kind: string;
  deploymentId?: string;
}

export interface QueueChangedEvent {
  deploymentId: string;
  at: number;
  queued: number;
}

/**
 * What the engine reports to telemetry. Every method is optional so that a listener implements
 * only what it needs. Callers write `observer?.attemptFinished?.({...})`: with no observer the
 * optional chain short-circuits before the event object is even built, so nobody listening
 * costs nothing.
 */
export interface GatewayObserver {
  requestStarted?(event: RequestStartedEvent): void;
  decisionMade?(event: DecisionMadeEvent): void;
  attemptFinished?(event: AttemptFinishedEvent): void;
  requestFinished?(event: RequestFinishedEvent): void;
  breakerChanged?(event: BreakerChangedEvent): void;
  budgetUpdated?(event: BudgetUpdatedEvent): void;
  cacheHit?(event: CacheHitEvent): void;
  queueChanged?(event: QueueChangedEvent): void;
}
