import type { BreakerRegistry } from '../resilience/breaker-registry.js';
import type { Clock, TimerHandle } from '../resilience/clock.js';
import type { GatewayObserver } from '../telemetry/gateway-observer.js';

/**
 * Pushes every breaker flip to telemetry as it happens, so that a breaker that opens and
 * half-opens between two scrapes still leaves its trace. An open breaker turns half-open by time
 * alone (the registry writes that down only when the next call asks), so a timer reports the flip
 * when the cooldown ends. Returns a function that stops forwarding and clears the timers.
 */
export function forwardBreakerTransitions(breakers: BreakerRegistry, observer: Pick<GatewayObserver, 'breakerChanged'>, clock: Clock): () => void {
  const cooldowns = new Map<string, TimerHandle>();
  // Half-open flips already reported by the timer; the registry's own record of them comes later.
  const halfOpened = new Set<string>();
  const clearCooldown = (deploymentId: string): void => {
    const timer = cooldowns.get(deploymentId);
    if (timer === undefined) return;
    clock.clearTimeout(timer);
    cooldowns.delete(deploymentId);
  };
  const unsubscribe = breakers.onTransition((transition) => {
    const { deploymentId } = transition;
    clearCooldown(deploymentId);
    const early = halfOpened.delete(deploymentId);
    if (early && transition.from === 'open' && transition.to === 'half_open') return;
    observer.breakerChanged?.({ deploymentId, at: transition.at, from: early ? 'half_open' : transition.from, to: transition.to });
    if (transition.to !== 'open' || transition.openUntil === undefined) return;
    const timer = clock.setTimeout(
      () => {
        cooldowns.delete(deploymentId);
        // Still open by record, half-open by time: nobody has asked since the cooldown ended.
        if (breakers.state(deploymentId) !== 'half_open') return;
        halfOpened.add(deploymentId);
        observer.breakerChanged?.({ deploymentId, at: clock.now(), from: 'open', to: 'half_open' });
      },
      Math.max(0, transition.openUntil - clock.now()),
    );
    cooldowns.set(deploymentId, timer);
  });
  return () => {
    unsubscribe();
    for (const deploymentId of [...cooldowns.keys()]) clearCooldown(deploymentId);
  };
}
