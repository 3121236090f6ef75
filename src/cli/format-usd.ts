/** Dollars with three significant digits for small amounts, cents for large ones; never exponent notation. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  if (Math.abs(usd) >= 100) return `$${usd.toFixed(2)}`;
  const decimals = Math.min(12, Math.max(2, 2 - Math.floor(Math.log10(Math.abs(usd)))));
  return `$${usd.toFixed(decimals)}`;
}
