import type { BreakerChangedEvent, BreakerState, GatewayObserver } from './gateway-observer.js';

/**
 * The observer with each breaker flip passed on once. Flips arrive pushed by the engine as they
 * happen and, as a backstop for changes it cannot push (a breaker shared with other processes),
 * from the breaker watcher's poll of live stats; the poll then repeats what was pushed.
 */
export function distinctBreakerChanges(observer: GatewayObserver): GatewayObserver {
  const forward = observer.breakerChanged?.bind(observer);
  if (forward === undefined) return observer;
  const reported = new Map<string, BreakerState>();
  return {
    ...observer,
    breakerChanged(event: BreakerChangedEvent): void {
      const from = reported.get(event.deploymentId) ?? event.from;
      if (from === event.to) return;
      reported.set(event.deploymentId, event.to);
      forward(from === event.from ? event : { ...event, from });
    },
  };
}
