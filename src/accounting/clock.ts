/** Epoch milliseconds now; injected so that periods, expiry and caches are testable. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();
