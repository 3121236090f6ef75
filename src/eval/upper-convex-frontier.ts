/**
 * Points on the upper-left convex hull of (cost, quality), cheapest first: the models worth
 * mixing. A point on or below the segment between two others is dropped, since sending a share
 * of prompts to each of those two does at least as well for the same cost.
 */
export function upperConvexFrontier<T extends { quality: number; cost: number }>(points: readonly T[]): T[] {
  const sorted = [...points].sort((a, b) => a.cost - b.cost || b.quality - a.quality);
  const hull: T[] = [];
  for (const p of sorted) {
    const last = hull[hull.length - 1];
    if (last && p.quality <= last.quality) continue;
    while (hull.length >= 2) {
      const a = hull[hull.length - 2];
      const b = hull[hull.length - 1];
      if (!a || !b) break;
      // Drop b when it lies on or below the segment from a to p: mixing a and p does better.
      const cross = (b.cost - a.cost) * (p.quality - a.quality) - (b.quality - a.quality) * (p.cost - a.cost);
      if (cross >= 0) hull.pop();
      else break;
    }
    hull.push(p);
  }
  return hull;
}
