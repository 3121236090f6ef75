/** Dollars for messages: cents for amounts of a dollar or more, finer below so small amounts are not shown as $0.00. */
export function formatUsd(usd: number): string {
  return `$${usd.toFixed(Math.abs(usd) >= 1 ? 2 : 6)}`;
}
