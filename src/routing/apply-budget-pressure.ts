import type { RequestProfile, ScoredCandidate, TaskType } from '../spec/index.js';
import { formatUsd } from './format-usd.js';

/** Where a budget-aware policy tightens, as shares of the caller's tightest budget left. */
export interface BudgetPressureLevels {
  /** Below this share, expensive deployments serve only complex requests. */
  floor?: number;
  /** Below this share, only the cheapest deployment serves. */
  cheapestOnlyBelow?: number;
}

export interface BudgetPressureInput extends BudgetPressureLevels {
  /** Ranked, best first (as `scoreCandidates` returns them). */
  candidates: readonly ScoredCandidate[];
  profile: RequestProfile;
  /** The caller's tightest budget's remaining share, in [0, 1]. */
  remainingShare: number;
  /** Names the budget in reasons, e.g. `team "ml" monthly budget`. */
  budgetLabel?: string;
}

/** A candidate this many times the cheapest one's estimated cost counts as expensive. */
export const EXPENSIVE_RATIO = 2;
/** Difficulty from which a request counts as complex whatever its task. */
export const COMPLEX_DIFFICULTY = 0.6;
const COMPLEX_TASKS: ReadonlySet<TaskType> = new Set<TaskType>(['coding', 'math', 'reasoning']);

/** Requests worth an expensive model when money is short: hard ones, and coding, math and reasoning. */
export function isComplexRequest(profile: RequestProfile): boolean {
  return profile.difficulty >= COMPLEX_DIFFICULTY || COMPLEX_TASKS.has(profile.task);
}

/**
 * The "expensive models only if budget allows" rule. Under `floor` a request that is not complex
 * loses the candidates costing over `EXPENSIVE_RATIO` times the cheapest; under
 * `cheapestOnlyBelow` every request gets the cheapest alone. Order is kept otherwise; the reasons
 * say what the budget changed, and whether it changed the pick.
 */
export function applyBudgetPressure(input: BudgetPressureInput): { candidates: ScoredCandidate[]; reasons: string[] } {
  const ranked = [...input.candidates];
  if (ranked.length < 2) return { candidates: ranked, reasons: [] };
  const share = Math.min(1, Math.max(0, input.remainingShare));
  const budget = `${input.budgetLabel ?? 'budget'} at ${(share * 100).toFixed(1)}%`;
  const cheapest = ranked.reduce((best, c) => (c.estimatedCostUsd < best.estimatedCostUsd ? c : best));
  const before = ranked[0]?.deploymentId;
  let kept: ScoredCandidate[];
  let rule: string;
  if (input.cheapestOnlyBelow !== undefined && share < input.cheapestOnlyBelow) {
    kept = [cheapest];
    rule = `below ${(input.cheapestOnlyBelow * 100).toFixed(0)}%: cheapest only (${cheapest.deploymentId}, ~$${formatUsd(cheapest.estimatedCostUsd)})`;
  } else if (input.floor !== undefined && share < input.floor) {
    if (isComplexRequest(input.profile)) {
      return { candidates: ranked, reasons: [`${budget}, below the ${(input.floor * 100).toFixed(0)}% floor: expensive models kept for a complex request (${input.profile.task}, difficulty ${input.profile.difficulty.toFixed(2)})`] };
    }
    const limit = cheapest.estimatedCostUsd * EXPENSIVE_RATIO;
    kept = ranked.filter((c) => c.estimatedCostUsd <= limit);
    const dropped = ranked.length - kept.length;
    if (dropped === 0) return { candidates: ranked, reasons: [] };
    rule = `below the ${(input.floor * 100).toFixed(0)}% floor: ${dropped} expensive model${dropped === 1 ? '' : 's'} left out for a simple request`;
  } else {
    return { candidates: ranked, reasons: [] };
  }
  const after = kept[0]?.deploymentId;
  const reasons = [`${budget}, ${rule}`];
  if (after !== before) reasons.push(`budget changed the pick: ${before} -> ${after}`);
  return { candidates: kept, reasons };
}
