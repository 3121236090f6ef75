import type { StreamPart } from '../spec/stream-part.js';
import type { Clock } from './clock.js';
import { raceToFirstToken, type LegFailure } from './first-token-race.js';

export interface HedgeOptions {
  primary(signal: AbortSignal): AsyncIterable<StreamPart>;
  /** Called only if the primary has produced no first token after `delayMs`. */
  startSecondary(signal: AbortSignal): AsyncIterable<StreamPart>;
  /** Typically the primary's p95 time to first token, or a configured delay. */
  delayMs: number;
  signal?: AbortSignal;
  clock?: Clock;
}

export interface HedgeResult {
  winner: 'primary' | 'secondary';
  stream: AsyncIterable<StreamPart>;
  /** True when the secondary was started (both attempts belong in the ledger). */
  hedged: boolean;
  /** True when the losing attempt was running and got aborted. */
  loserAborted: boolean;
  failures: LegFailure[];
}

/**
 * A hedged streaming call. If the primary fails before the hedge delay, the promise rejects with
 * a FirstTokenRaceError so that the attempt loop applies its usual retry and fallback; once both
 * run, the survivor carries on alone.
 */
export async function hedge(options: HedgeOptions): Promise<HedgeResult> {
  const result = await raceToFirstToken({
    legs: [
      { start: options.primary, delayMs: 0 },
      { start: options.startSecondary, delayMs: Math.max(1, options.delayMs) },
    ],
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  return {
    winner: result.index === 0 ? 'primary' : 'secondary',
    stream: result.stream,
    hedged: result.started.includes(1),
    loserAborted: result.aborted.length > 0,
    failures: result.failures,
  };
}
