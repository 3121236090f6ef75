const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses a window such as `30s`, `5m`, `1h`, `1d`; `all` (or `since-start`) means since the
 * process started and returns undefined. Throws a RangeError with a readable message otherwise.
 */
export function parseWindow(text: string): number | undefined {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === 'all' || trimmed === 'since-start') return undefined;
  const match = /^(\d+(?:\.\d+)?)\s*([smhd])$/.exec(trimmed);
  if (match === null) throw new RangeError(`window must look like 30s, 5m, 1h or 1d, or be "all"; got "${text}"`);
  const ms = Number(match[1]) * UNIT_MS[match[2]!]!;
  if (ms <= 0) throw new RangeError('window must be longer than zero');
  return ms;
}
