import { GatewayError, toGatewayError } from '../errors/gateway-error.js';
import { isErrorCode } from '../errors/error-codes.js';
import { isContentPart, type StreamPart } from '../spec/stream-part.js';
import { abortReason } from './abort-reason.js';
import { realClock, type Clock, type TimerHandle } from './clock.js';

/** One contender: started `delayMs` after the race begins, aborted through `signal` if it loses. */
export interface StreamLeg {
  start(signal: AbortSignal): AsyncIterable<StreamPart>;
  delayMs: number;
}

export interface FirstTokenRaceOptions {
  legs: readonly StreamLeg[];
  /** The request's signal: aborting it aborts every leg. */
  signal?: AbortSignal;
  clock?: Clock;
  /** When every started leg has failed, start the next waiting leg at once instead of giving up. */
  startNextOnFailure?: boolean;
}

export interface LegFailure {
  index: number;
  error: GatewayError;
}

export interface FirstTokenWinner {
  index: number;
  /** The winner's stream from its first part (parts read ahead are replayed). */
  stream: AsyncIterable<StreamPart>;
  /** Legs that were started, in start order. */
  started: number[];
  /** Legs that were running when the winner was found and were aborted. */
  aborted: number[];
  failures: LegFailure[];
}

/** Rejection when no leg produced a first token; `error` is the first-ranked leg's failure. */
export class FirstTokenRaceError extends Error {
  override readonly name = 'FirstTokenRaceError';
  constructor(
    readonly error: GatewayError,
    readonly failures: LegFailure[],
    readonly started: number[],
  ) {
    super(error.message, { cause: error });
  }
}

/** The reason a losing leg is aborted with; the breaker treats it as "no verdict". */
export function lostRaceError(): GatewayError {
  return new GatewayError('client_closed', 'Another attempt produced its first token first.');
}

interface LegRun {
  index: number;
  controller: AbortController;
  iterator?: AsyncIterator<StreamPart>;
  done: boolean;
}

/**
 * Starts legs on their delays and resolves with the first to produce a content part (or to end
 * cleanly). Every other running leg is aborted at once, so that it stops costing.
 */
export function raceToFirstToken(options: FirstTokenRaceOptions): Promise<FirstTokenWinner> {
  const { legs, signal } = options;
  const clock = options.clock ?? realClock;
  if (legs.length === 0) return Promise.reject(new RangeError('raceToFirstToken needs at least one leg'));
  if (signal?.aborted) return Promise.reject(abortReason(signal));

  return new Promise<FirstTokenWinner>((resolve, reject) => {
    const runs: LegRun[] = [];
    const timers = new Map<number, TimerHandle>();
    const failures: LegFailure[] = [];
    let settled = false;

    const finish = (): void => {
      settled = true;
      for (const timer of timers.values()) clock.clearTimeout(timer);
      timers.clear();
      signal?.removeEventListener('abort', onAbort);
    };
    const abortLeg = (run: LegRun, reason: GatewayError): void => {
      run.done = true;
      run.controller.abort(reason);
      run.iterator?.return?.().catch(() => undefined);
    };
    const onAbort = (): void => {
      if (settled) return;
      finish();
      const reason = abortReason(signal);
      for (const run of runs) if (!run.done) abortLeg(run, reason);
      reject(reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    const failLeg = (run: LegRun, error: GatewayError): void => {
      run.done = true;
      failures.push({ index: run.index, error });
      if (settled || runs.some((other) => !other.done)) return;
      const waiting = legs.findIndex((_, index) => timers.has(index));
      if (waiting >= 0 && options.startNextOnFailure) {
        const timer = timers.get(waiting);
        clock.clearTimeout(timer);
        timers.delete(waiting);
        startLeg(waiting);
        return;
      }
      // Otherwise (a hedge whose primary failed before the hedge delay) the caller's loop decides.
      finish();
      const sorted = [...failures].sort((a, b) => a.index - b.index);
      reject(new FirstTokenRaceError(sorted[0]?.error ?? error, sorted, runs.map((r) => r.index)));
    };

    const win = (run: LegRun, buffered: StreamPart[], ended: boolean): void => {
      finish();
      const aborted: number[] = [];
      for (const other of runs) {
        if (other !== run && !other.done) {
          aborted.push(other.index);
          abortLeg(other, lostRaceError());
        }
      }
      const iterator = run.iterator;
      resolve({
        index: run.index,
        stream: replay(buffered, ended ? undefined : iterator),
        started: runs.map((r) => r.index),
        aborted,
        failures,
      });
    };

    const startLeg = (index: number): void => {
      const leg = legs[index];
      if (leg === undefined || settled) return;
      const controller = new AbortController();
      const run: LegRun = { index, controller, done: false };
      runs.push(run);
      const legSignal = signal === undefined ? controller.signal : AbortSignal.any([signal, controller.signal]);
      void (async () => {
        const buffered: StreamPart[] = [];
        try {
          run.iterator = leg.start(legSignal)[Symbol.asyncIterator]();
          for (;;) {
            const next = await run.iterator.next();
            if (run.done || settled) return;
            if (next.done) return win(run, buffered, true);
            const part = next.value;
            if (part.type === 'error') return failLeg(run, errorFromPart(part));
            buffered.push(part);
            if (isContentPart(part)) return win(run, buffered, false);
          }
        } catch (error) {
          if (!run.done && !settled) failLeg(run, toGatewayError(error));
        }
      })();
    };

    legs.forEach((leg, index) => {
      if (leg.delayMs <= 0) return;
      timers.set(
        index,
        clock.setTimeout(() => {
          timers.delete(index);
          startLeg(index);
        }, leg.delayMs),
      );
    });
    legs.forEach((leg, index) => {
      if (leg.delayMs <= 0) startLeg(index);
    });
  });
}

function errorFromPart(part: Extract<StreamPart, { type: 'error' }>): GatewayError {
  const { code, message, outcome, status } = part.error;
  return new GatewayError(isErrorCode(code) ? code : 'upstream_server_error', message, { outcome, ...(status === undefined ? {} : { upstreamStatus: status }) });
}

async function* replay(buffered: StreamPart[], rest: AsyncIterator<StreamPart> | undefined): AsyncGenerator<StreamPart> {
  let finished = rest === undefined;
  try {
    yield* buffered;
    if (rest === undefined) return;
    for (;;) {
      const next = await rest.next();
      if (next.done) {
        finished = true;
        return;
      }
      yield next.value;
    }
  } finally {
    // The consumer stopped early: close the upstream stream too.
    if (!finished) await rest?.return?.().catch(() => undefined);
  }
}
