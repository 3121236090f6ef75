/** Opaque handle returned by `Clock.setTimeout`. */
export type TimerHandle = unknown;

/**
 * Time as the resilience layer sees it. Everything that waits or measures takes one, so that tests
 * drive time by hand instead of sleeping.
 */
export interface Clock {
  /** Milliseconds since the epoch (wall time, so that shared stores can compare across processes). */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** The process clock. Timers are unref'd so that a pending backoff never keeps the process alive. */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout(callback, ms) {
    const timer = setTimeout(callback, ms);
    timer.unref?.();
    return timer;
  },
  clearTimeout(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};
