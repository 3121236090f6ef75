/** One operating point of a policy: its knob, average quality and total cost. */
export interface CurvePoint {
  knob: number;
  quality: number;
  costUsd: number;
}

export interface CurveSummary {
  costPctAt95: number | null;
  costPctAt98: number | null;
  costPctAt100: number | null;
  auc: number;
}

/**
 * Figures of a quality-cost curve relative to a reference (the most expensive model): the lowest
 * cost, as % of the reference's, at which some point reaches 95 / 98 / 100 % of its quality; and
 * the area under the curve's upper envelope (the best quality reachable at or below each cost,
 * 0 below the cheapest point) over costs from 0 to 100 % of the reference's, divided by 100 so
 * that it reads as the average quality over that range.
 */
export function summarizeCurve(curve: readonly CurvePoint[], reference: { quality: number; costUsd: number }): CurveSummary {
  const pct = (cost: number): number => (reference.costUsd > 0 ? (cost / reference.costUsd) * 100 : 0);
  const at = (share: number): number | null => {
    let best: number | null = null;
    for (const p of curve) {
      // A hair of tolerance so that the reference itself reaches 100 % despite float noise.
      if (p.quality + 1e-12 >= share * reference.quality) {
        const c = pct(p.costUsd);
        if (best === null || c < best) best = c;
      }
    }
    return best === null ? null : round(best);
  };
  const points = curve.map((p) => ({ cost: Math.min(100, pct(p.costUsd)), quality: p.quality })).sort((a, b) => a.cost - b.cost);
  let area = 0;
  let envelope = 0;
  let previous = 0;
  for (const p of points) {
    area += envelope * (p.cost - previous);
    envelope = Math.max(envelope, p.quality);
    previous = p.cost;
  }
  area += envelope * (100 - previous);
  return { costPctAt95: at(0.95), costPctAt98: at(0.98), costPctAt100: at(1), auc: round(area / 100) };
}

function round(v: number): number {
  return Math.round(v * 10_000) / 10_000;
}
