/**
 * Money is counted in integer nano-dollars (1e-9 USD) wherever amounts are added up, so that
 * sums are exact: a budget must hold to the cent after millions of float additions. A request
 * costing a few tokens (1e-6 USD) still has a thousand units of resolution.
 */
export const NANOS_PER_USD = 1_000_000_000;

export function usdToNanos(usd: number): number {
  return Math.round(usd * NANOS_PER_USD);
}

/** Rounds up: used for limits on the reserving side, where rounding down could let spend slip past. */
export function usdToNanosCeil(usd: number): number {
  return Math.ceil(usd * NANOS_PER_USD - 1e-6);
}

export function nanosToUsd(nanos: number): number {
  return nanos / NANOS_PER_USD;
}
