const NUMBER = /-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:e[-+]?\d+)?(?:\s*\/\s*\d+(?:\.\d+)?)?%?/gi;

/** A number as written ("1,234.5", "-3/4", "12%", "2e-3") to its value; a percentage stays in percent units. */
function valueOf(token: string): number {
  const text = token.replace(/,/g, '').replace(/%$/, '').replace(/\s+/g, '');
  const slash = text.indexOf('/');
  if (slash > 0) return Number(text.slice(0, slash)) / Number(text.slice(slash + 1));
  return Number(text);
}

/** The last number written in a text, or undefined when there is none. */
export function lastNumber(text: string): number | undefined {
  const tokens = text.match(NUMBER);
  if (tokens === null) return undefined;
  for (let i = tokens.length - 1; i >= 0; i -= 1) {
    const value = valueOf(tokens[i] as string);
    if (Number.isFinite(value)) return value;
  }
  return undefined;
}
