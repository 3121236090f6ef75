import type { ScoreParts } from '../spec/index.js';
import type { BudgetPressureLevels } from './apply-budget-pressure.js';

/** Relative weights of the four score parts; normalized before use, so only ratios matter. */
export type PolicyWeights = ScoreParts['weights'];

/** Limits a policy imposes on every request it routes, on top of the caller's own wishes. */
export interface PolicyConstraints {
  /** Deployment ids (or `provider/*` prefixes) the policy may use; absent means all. */
  allowedModels?: readonly string[];
  /** Deployment ids the policy never uses. */
  deniedModels?: readonly string[];
  maxCostUsd?: number;
  maxLatencyMs?: number;
}

/**
 * How to choose among deployments: a pure object, evaluated by `decide`. Named policies come
 * from config; `BUILT_IN_POLICIES` holds the four every gateway has.
 */
export interface Policy {
  name: string;
  description?: string;
  weights: PolicyWeights;
  constraints?: PolicyConstraints;
  /**
   * How much harder requests shift weight towards quality: the quality weight is multiplied by
   * `1 + difficultyBoost * (difficulty - 0.5) * 2`, so 0 turns the adjustment off.
   */
  difficultyBoost?: number;
  /**
   * Share of its cost and latency credit a candidate keeps when its expected quality is far
   * below the best (see `scoreCandidates`); 1, the default, turns the gate off, as `cheapest`
   * and `fastest` want.
   */
  adequacyFloor?: number;
  /**
   * For the easiest requests, how far below the best expected quality a candidate may be and
   * still count as adequate (full quality credit, no cost or latency gate). It narrows
   * linearly to 0 at difficulty 0.5, where quality differences count in full. Quality above
   * what a request needs buys nothing, so for a greeting the cheapest adequate model wins.
   * Default 0.
   */
  qualityTolerance?: number;
  /** When true, a low remaining budget raises the cost weight and relaxes the quality gate. */
  budgetAware?: boolean;
  /** Budget-aware only: the shares below which expensive models serve only complex requests, and only the cheapest serves (see `applyBudgetPressure`). */
  budgetLevels?: BudgetPressureLevels;
}
