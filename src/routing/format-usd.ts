/** Dollars for explanations: four decimals for cents and up, two significant digits below. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '0';
  return usd >= 0.01 ? usd.toFixed(4) : usd.toPrecision(2);
}
