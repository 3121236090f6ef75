import type { ScoredCandidate, ScoreParts } from '../spec/index.js';

/** One candidate that passed the hard constraints, with its raw estimates. */
export interface CandidateEstimates {
  deploymentId: string;
  estimatedCostUsd: number;
  maxCostUsd: number;
  estimatedLatencyMs: number;
  expectedQuality: number;
  reliability: number;
  reasons: string[];
}

/**
 * Spans below which differences are not stretched to the full [0, 1] range: a 2x price gap
 * between the only two candidates should cost far less than the 30x gap between a frontier
 * and a small model. Cost and latency compare on a log scale (price spreads are 10-60x).
 */
const MIN_COST_SPAN = Math.log(30);
const MIN_LATENCY_SPAN = Math.log(8);
/** A model this far below the best expected quality gets no quality credit at all. */
const QUALITY_SPAN = 0.15;

const RELIABILITY_SPAN = 0.2;
/** Avoids log(0) for free local models. */
const COST_FLOOR_USD = 1e-9;

/**
 * Turns raw estimates into normalized parts, weights them and ranks best first.
 *
 * `qualityTolerance` is how far below the best expected quality a candidate may be and still
 * count as adequate: quality is measured against `best - qualityTolerance` (the adequacy
 * level), so quality above that level earns no further credit. An easy request (a greeting)
 * gets a wide tolerance because nearly every model answers it well; there the cheapest
 * adequate candidate wins on cost and latency alone. 0 compares every candidate with the best.
 *
 * `adequacyFloor` is the share of its cost and latency credit a candidate keeps when its
 * quality part is 0. A cheap, fast answer is worth little if it is likely wrong, so cost and
 * latency count in full only for adequate candidates: part = raw * (floor + (1 - floor) *
 * quality part). This is what makes the cheapest model win a greeting but not a coding
 * request under `balanced`; 1 turns the gate off.
 */
export function scoreCandidates(
  candidates: readonly CandidateEstimates[],
  weights: ScoreParts['weights'],
  adequacyFloor = 1,
  qualityTolerance = 0,
): ScoredCandidate[] {
  if (candidates.length === 0) return [];
  let minLogCost = Infinity;
  let maxLogCost = -Infinity;
  let minLogLatency = Infinity;
  let maxLogLatency = -Infinity;
  let bestQuality = 0;
  let bestReliability = 0;
  for (const c of candidates) {
    const logCost = Math.log(Math.max(COST_FLOOR_USD, c.estimatedCostUsd));
    const logLatency = Math.log(Math.max(1, c.estimatedLatencyMs));
    minLogCost = Math.min(minLogCost, logCost);
    maxLogCost = Math.max(maxLogCost, logCost);
    minLogLatency = Math.min(minLogLatency, logLatency);
    maxLogLatency = Math.max(maxLogLatency, logLatency);
    bestQuality = Math.max(bestQuality, c.expectedQuality);
    bestReliability = Math.max(bestReliability, c.reliability);
  }
  const costSpan = Math.max(MIN_COST_SPAN, maxLogCost - minLogCost);
  const latencySpan = Math.max(MIN_LATENCY_SPAN, maxLogLatency - minLogLatency);
  const adequacyLevel = bestQuality - Math.max(0, qualityTolerance);

  const scored = candidates.map((c): ScoredCandidate => {
    const quality = clamp01(1 - (adequacyLevel - c.expectedQuality) / QUALITY_SPAN);
    const adequacy = adequacyFloor + (1 - adequacyFloor) * quality;
    const cost = adequacy * clamp01(1 - (Math.log(Math.max(COST_FLOOR_USD, c.estimatedCostUsd)) - minLogCost) / costSpan);
    const latency = adequacy * clamp01(1 - (Math.log(Math.max(1, c.estimatedLatencyMs)) - minLogLatency) / latencySpan);
    const reliability = clamp01(1 - (bestReliability - c.reliability) / RELIABILITY_SPAN);
    const reasons = adequacy < 0.99 ? [...c.reasons, `cost and latency credit x${adequacy.toFixed(2)}: expected quality ${(adequacyLevel - c.expectedQuality).toFixed(2)} below the adequacy level ${adequacyLevel.toFixed(2)}`] : c.reasons;
    // Scored on the exact parts; the parts are shown rounded.
    const score = weights.cost * cost + weights.latency * latency + weights.quality * quality + weights.reliability * reliability;
    return {
      deploymentId: c.deploymentId,
      score: round(score),
      parts: { cost: round(cost), latency: round(latency), quality: round(quality), reliability: round(reliability), weights },
      estimatedCostUsd: c.estimatedCostUsd,
      maxCostUsd: c.maxCostUsd,
      estimatedLatencyMs: Math.round(c.estimatedLatencyMs),
      expectedQuality: round(c.expectedQuality),
      reasons,
    };
  });
  if (scored.length > SMALL_SORT) scored.sort(rankOrder);
  else insertionSort(scored);
  return scored;
}

/** Best first. Ties go to the cheaper deployment, then to the id, so that the order is deterministic. */
function rankOrder(a: ScoredCandidate, b: ScoredCandidate): number {
  return b.score - a.score || a.estimatedCostUsd - b.estimatedCostUsd || (a.deploymentId < b.deploymentId ? -1 : 1);
}

/**
 * Up to this many candidates are ranked by insertion sort: `Array.prototype.sort` allocates its
 * work arrays on every call (about 800 bytes for five candidates), and `rankOrder` is a total
 * order (ids are unique), so both give the same order.
 */
const SMALL_SORT = 16;

function insertionSort(list: ScoredCandidate[]): void {
  for (let i = 1; i < list.length; i += 1) {
    const item = list[i] as ScoredCandidate;
    let j = i - 1;
    while (j >= 0 && rankOrder(list[j] as ScoredCandidate, item) > 0) {
      list[j + 1] = list[j] as ScoredCandidate;
      j -= 1;
    }
    list[j + 1] = item;
  }
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
