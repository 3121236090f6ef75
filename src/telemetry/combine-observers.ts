import type { GatewayObserver } from './gateway-observer.js';

type EventName = keyof GatewayObserver;

const EVENT_NAMES: readonly EventName[] = [
  'requestStarted',
  'decisionMade',
  'attemptFinished',
  'requestFinished',
  'breakerChanged',
  'budgetUpdated',
  'cacheHit',
  'queueChanged',
];

/** Called when a listener throws: telemetry must never fail a request. */
export type ListenerErrorHandler = (error: unknown, event: EventName) => void;

/**
 * One observer that fans events out to many. The per-event listener lists are built once, and
 * an event nobody listens to is left undefined, so the caller's optional chain skips it. With no
 * listeners at all this returns undefined.
 */
export function combineObservers(
  listeners: ReadonlyArray<GatewayObserver | undefined>,
  onListenerError: ListenerErrorHandler = () => {},
): GatewayObserver | undefined {
  const present = listeners.filter((listener): listener is GatewayObserver => listener !== undefined);
  if (present.length === 0) return undefined;
  const combined: GatewayObserver = {};
  for (const name of EVENT_NAMES) {
    const handlers = present
      .filter((listener) => typeof listener[name] === 'function')
      .map((listener) => (listener[name] as (event: unknown) => void).bind(listener));
    if (handlers.length === 0) continue;
    const fanOut = (event: unknown): void => {
      for (const handler of handlers) {
        try {
          handler(event);
        } catch (error) {
          onListenerError(error, name);
        }
      }
    };
    (combined as Record<EventName, (event: unknown) => void>)[name] = fanOut;
  }
  return combined;
}
