import type { RequestProfile } from './request-profile.js';

/** The router's explanation of a choice: plain data, logged, returned by `/v1/route`, and used as the attempt order. */
export interface Decision {
  id: string;
  /** What the client asked for (`auto`, an alias, a policy, a deployment). */
  requested: string;
  policy: string;
  profile: RequestProfile;
  /** Ranked, best first. The attempt loop follows this order. */
  candidates: ScoredCandidate[];
  excluded: ExcludedCandidate[];
  /** Human-readable notes on the decision as a whole (e.g. "budget at 12%: cost weight raised"). */
  reasons: string[];
  /** Microseconds the decision took. */
  elapsedUs?: number;
  /** The A/B experiment arm this request was assigned to, when it entered one. */
  experiment?: { id: string; arm: string };
}

export interface ScoredCandidate {
  deploymentId: string;
  score: number;
  parts: ScoreParts;
  /** Estimated cost of this request on this deployment, USD. */
  estimatedCostUsd: number;
  /** Worst case used for budget reservations (max output tokens at output price), USD. */
  maxCostUsd: number;
  estimatedLatencyMs: number;
  /** Expected quality in [0, 1] for this request. */
  expectedQuality: number;
  reasons: string[];
}

/** Each part is normalized to [0, 1] (higher is better) before weighting. */
export interface ScoreParts {
  cost: number;
  latency: number;
  quality: number;
  reliability: number;
  weights: { cost: number; latency: number; quality: number; reliability: number };
}

export interface ExcludedCandidate {
  deploymentId: string;
  reason: ExclusionReason;
  detail: string;
}

export type ExclusionReason =
  | 'context_window'
  | 'capability'
  | 'not_allowed'
  | 'max_cost'
  | 'max_latency'
  | 'breaker_open'
  | 'rate_limited'
  | 'budget';
