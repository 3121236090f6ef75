import { abortReason } from './abort-reason.js';
import { realClock, type Clock } from './clock.js';

/**
 * Waits `ms` on `clock`. When `signal` aborts, the timer is cleared at once and the promise
 * rejects with a typed error (`client_closed`, or the signal's GatewayError reason).
 */
export function sleep(ms: number, signal?: AbortSignal, clock: Clock = realClock): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clock.clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
