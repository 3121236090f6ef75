/**
 * Pino's `timestamp` function writing the same `,"time":"2026-12-06T21:43:21.625Z"` as
 * `pino.stdTimeFunctions.isoTime`, with the date and time up to the second formatted once per
 * second: `Date#toISOString` per line cost 1.3-1.8 us, this 0.35 us.
 */
export function cachedIsoTime(clock: () => number = Date.now): () => string {
  let second = Number.NaN;
  let prefix = '';
  return () => {
    const now = clock();
    const ms = ((now % 1000) + 1000) % 1000;
    if (now - ms !== second) {
      second = now - ms;
      // Up to and including the dot before the milliseconds: `2026-12-06T21:43:21.`.
      prefix = `,"time":"${new Date(second).toISOString().slice(0, -4)}`;
    }
    return `${prefix}${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z"`;
  };
}
