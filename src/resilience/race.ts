import { toGatewayError, type GatewayError } from '../errors/gateway-error.js';
import { abortReason } from './abort-reason.js';
import { lostRaceError } from './first-token-race.js';

export interface RaceOptions<T> {
  /** One per candidate, best-ranked first; each gets its own signal. */
  starters: ReadonlyArray<(signal: AbortSignal) => Promise<T>>;
  signal?: AbortSignal;
}

export interface RaceResult<T> {
  index: number;
  value: T;
  /** Candidates that failed before the winner answered. */
  failures: Array<{ index: number; error: GatewayError }>;
  /** Candidates still running when the winner answered, now aborted. */
  aborted: number[];
}

/**
 * `mode: race`: every candidate at once, the first success wins and the rest are aborted. When
 * all fail, rejects with the best-ranked candidate's error.
 */
export function race<T>(options: RaceOptions<T>): Promise<RaceResult<T>> {
  const { starters, signal } = options;
  if (starters.length === 0) return Promise.reject(new RangeError('race needs at least one candidate'));
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise<RaceResult<T>>((resolve, reject) => {
    const controllers = starters.map(() => new AbortController());
    const pending = new Set(starters.map((_, index) => index));
    const failures: Array<{ index: number; error: GatewayError }> = [];
    let settled = false;
    const onAbort = (): void => {
      if (settled) return;
      settled = true;
      const reason = abortReason(signal);
      for (const index of pending) controllers[index]?.abort(reason);
      reject(reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    starters.forEach((start, index) => {
      const own = controllers[index] as AbortController;
      const legSignal = signal === undefined ? own.signal : AbortSignal.any([signal, own.signal]);
      Promise.resolve()
        .then(() => start(legSignal))
        .then(
          (value) => {
            pending.delete(index);
            if (settled) return;
            settled = true;
            signal?.removeEventListener('abort', onAbort);
            const aborted = [...pending];
            for (const loser of aborted) controllers[loser]?.abort(lostRaceError());
            resolve({ index, value, failures, aborted });
          },
          (error: unknown) => {
            pending.delete(index);
            if (settled) return;
            failures.push({ index, error: toGatewayError(error) });
            if (pending.size > 0) return;
            settled = true;
            signal?.removeEventListener('abort', onAbort);
            failures.sort((a, b) => a.index - b.index);
            reject((failures[0] as { error: GatewayError }).error);
          },
        );
    });
  });
}
