import type { OutcomeClass } from '../spec/outcome-class.js';

/** `request`: the settled record of one client request; `attempt`: one upstream call within it. */
export type LedgerEntryKind = 'request' | 'attempt';

/**
 * One ledger row. Budgets count only `request` rows (their cost already includes every attempt,
 * hedges and fallbacks too); `attempt` rows break the cost down per deployment.
 */
export interface LedgerEntry {
  /** Unique; writing the same id twice stores it once, so a retried batch cannot double-count. */
  id: string;
  kind: LedgerEntryKind;
  requestId: string;
  /** 0-based attempt number within the request; absent on request rows. */
  attempt?: number;
  keyId?: string;
  team?: string;
  /** The deployment that answered (request rows) or was called (attempt rows). */
  deploymentId?: string;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  costUsd: number;
  latencyMs: number;
  /** Time to first token, for streamed answers. */
  ttftMs?: number;
  outcome: OutcomeClass;
  /** The gateway error code when the request or attempt failed. */
  errorCode?: string;
  decisionId?: string;
  cacheHit: boolean;
  streamed: boolean;
  /** Epoch ms. Budgets and reports assign an entry to the period in which it started. */
  startedAt: number;
  endedAt: number;
}
