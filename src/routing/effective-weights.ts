import type { RoutingWishes, ScoreParts } from '../spec/index.js';
import type { Policy } from './policy.js';

type Weights = ScoreParts['weights'];

/**
 * The difficulty from which quality differences count in full: an ordinary coding request sits
 * near 0.5 (see estimate-difficulty.ts). Below it the policy's quality tolerance widens
 * linearly, reaching its full value at difficulty 0.
 */
const FULL_QUALITY_DIFFICULTY = 0.5;

/** Below this share of budget left, a budget-aware policy starts shifting weight to cost. */
const LOW_BUDGET_FRACTION = 0.25;

export interface EffectiveWeights {
  weights: Weights;
  /** The policy's adequacy floor, raised towards 1 (no gate) as the budget runs out. */
  adequacyFloor: number;
  /** How far below the best expected quality still counts as adequate (see `scoreCandidates`). */
  qualityTolerance: number;
  reasons: string[];
}

/**
 * The weights one decision uses, summing to 1. Starts from the policy's weights; the caller's
 * priorities (cost, latency, quality, as ratios) then replace the policy's split of the
 * non-reliability share, keys the caller left out counting as 0; difficulty scales the quality
 * weight by the policy's `difficultyBoost`; a budget-aware policy raises the cost weight and
 * relaxes the quality gate as the remaining budget falls below a quarter.
 */
export function effectiveWeights(input: {
  policy: Policy;
  priorities: RoutingWishes['priorities'];
  difficulty: number;
  budgetRemainingFraction?: number;
}): EffectiveWeights {
  const reasons: string[] = [];
  // `normalize` returns a fresh object: it is this decision's to change.
  const w: Weights = normalize(input.policy.weights);
  const p = input.priorities;
  const wantedCost = nonNegative(p?.cost);
  const wantedLatency = nonNegative(p?.latency);
  const wantedQuality = nonNegative(p?.quality);
  const sum = wantedCost + wantedLatency + wantedQuality;
  if (p && sum > 0) {
    const share = w.cost + w.latency + w.quality;
    w.cost = (share * wantedCost) / sum;
    w.latency = (share * wantedLatency) / sum;
    w.quality = (share * wantedQuality) / sum;
    reasons.push(`request priorities applied (cost ${wantedCost}, latency ${wantedLatency}, quality ${wantedQuality})`);
  }
  const boost = input.policy.difficultyBoost ?? 0;
  if (boost !== 0 && w.quality > 0) {
    const factor = Math.max(0.1, 1 + boost * (input.difficulty - 0.5) * 2);
    w.quality *= factor;
    reasons.push(
      `difficulty ${input.difficulty.toFixed(2)}: quality weight ${factor >= 1 ? 'raised' : 'lowered'} x${factor.toFixed(2)}`,
    );
  }
  let adequacyFloor = Math.min(1, Math.max(0, input.policy.adequacyFloor ?? 1));
  const remaining = input.budgetRemainingFraction;
  if (input.policy.budgetAware && remaining !== undefined && remaining < LOW_BUDGET_FRACTION) {
    const pressure = 1 - Math.max(0, remaining) / LOW_BUDGET_FRACTION;
    const factor = 1 + 3 * pressure;
    w.cost *= factor;
    adequacyFloor += (1 - adequacyFloor) * pressure;
    reasons.push(
      `budget at ${Math.round(Math.max(0, remaining) * 100)}%: cost weight raised x${factor.toFixed(2)}, quality gate relaxed to ${adequacyFloor.toFixed(2)}`,
    );
  }
  // The tolerance trades quality for cost and latency; a caller who weighs quality above the
  // policy's own split gets a narrower one, and one who asks for quality alone gets none.
  let maxTolerance = Math.max(0, input.policy.qualityTolerance ?? 0);
  if (p && sum > 0) {
    const base = normalize(input.policy.weights);
    const policyShare = (base.cost + base.latency) / Math.max(1e-9, base.cost + base.latency + base.quality);
    const wantedShare = (wantedCost + wantedLatency) / sum;
    maxTolerance *= Math.min(1, wantedShare / Math.max(1e-9, policyShare));
  }
  const easiness = Math.min(1, Math.max(0, 1 - input.difficulty / FULL_QUALITY_DIFFICULTY));
  const qualityTolerance = maxTolerance * easiness;
  if (qualityTolerance >= 0.005) {
    reasons.push(`difficulty ${input.difficulty.toFixed(2)}: quality within ${qualityTolerance.toFixed(2)} of the best counts as adequate`);
  }
  return { weights: normalize(w), adequacyFloor, qualityTolerance, reasons };
}

function normalize(w: Weights): Weights {
  const sum = Math.max(0, w.cost) + Math.max(0, w.latency) + Math.max(0, w.quality) + Math.max(0, w.reliability);
  if (sum <= 0) return { cost: 0.25, latency: 0.25, quality: 0.25, reliability: 0.25 };
  return {
    cost: Math.max(0, w.cost) / sum,
    latency: Math.max(0, w.latency) / sum,
    quality: Math.max(0, w.quality) / sum,
    reliability: Math.max(0, w.reliability) / sum,
  };
}

function nonNegative(value: number | undefined): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : 0;
}
