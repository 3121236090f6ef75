import type { ExcludedCandidate, ScoreParts } from '../spec/decision.js';
import type { OutcomeClass } from '../spec/outcome-class.js';
import type { RequestProfile } from '../spec/request-profile.js';
import type { Usage } from '../spec/usage.js';
import type { AttemptSummary } from './gateway-observer.js';

/** One routing decision and what came of it: the audit log's unit. */
export interface DecisionRecord {
  id: string;
  requestId: string;
  /** When the request finished, epoch ms. */
  at: number;
  principalId?: string;
  requested: string;
  policy: string;
  profile: RequestProfile;
  candidates: Array<{
    deploymentId: string;
    score: number;
    parts: ScoreParts;
    estimatedCostUsd: number;
    estimatedLatencyMs: number;
    expectedQuality: number;
    reasons: string[];
  }>;
  excluded: ExcludedCandidate[];
  reasons: string[];
  elapsedUs?: number;
  /** The A/B experiment arm the request was assigned to. */
  experiment?: { id: string; arm: string };
  /** Scores posted to `/v1/feedback` for this decision (attached when read, not stored with the record). */
  feedback?: Array<{ score: number; label?: string; at: number }>;
  /**
   * The highest estimated cost among the candidates and whose it was: what this request would
   * have cost on the dearest option, kept so audits can price "everything on the expensive model".
   */
  mostExpensive?: { deploymentId: string; estimatedCostUsd: number };
  result: {
    outcome: OutcomeClass;
    status: number;
    errorCode?: string;
    /** The deployment that answered; absent when none did. */
    winner?: string;
    attempts: AttemptSummary[];
    /** The first-ranked candidate's attempt failed (whatever happened after). */
    firstPickFailed: boolean;
    usage?: Usage;
    costUsd: number;
    latencyMs: number;
  };
}

export interface DecisionQuery {
  id?: string;
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
  task?: string;
  /** Matches the winner or any attempted deployment. */
  deployment?: string;
  /** Newest first; default 100. */
  limit?: number;
}

/**
 * Where decision records are kept. The memory ring buffer is the default; a store-backed
 * implementation (SQLite, Postgres) plugs in behind the same interface. Appends are fire and
 * forget so that the request path never waits on storage.
 */
export interface DecisionLog {
  append(record: DecisionRecord): void;
  get(id: string): Promise<DecisionRecord | undefined>;
  /** Newest first. */
  query(query: DecisionQuery): Promise<DecisionRecord[]>;
  /** Writes what is queued and releases the storage. */
  close?(): void | Promise<void>;
}
