type Headers = Record<string, string | string[] | undefined>;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * OpenAI often answers 429 without `retry-after` but with `x-ratelimit-reset-requests` /
 * `x-ratelimit-reset-tokens` as Go-style durations (`20ms`, `1s`, `6m0s`). The body's `type`
 * (`requests` or `tokens`) says which limit was hit; without it the sooner reset is used.
 */
export function parseOpenAIRateLimitReset(headers: Headers, limitType: string | null | undefined): number | undefined {
  const requests = parseDuration(first(headers['x-ratelimit-reset-requests']));
  const tokens = parseDuration(first(headers['x-ratelimit-reset-tokens']));
  if (limitType === 'requests' && requests !== undefined) return requests;
  if (limitType === 'tokens' && tokens !== undefined) return tokens;
  if (requests === undefined) return tokens;
  if (tokens === undefined) return requests;
  return Math.min(requests, tokens);
}

/** Parses `1h2m3.5s`, `6m0s`, `250ms`; undefined for anything else. */
export function parseDuration(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(text)) return undefined;
  let total = 0;
  for (const match of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? 0);
  }
  return Math.round(total);
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
