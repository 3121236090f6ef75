import type { GatewayConfig } from '../config/config-schema.js';
import { toGatewayError } from '../errors/gateway-error.js';
import type { Clock } from '../resilience/clock.js';
import type { Resilience } from '../resilience/resilience.js';
import type { GatewayObserver } from '../telemetry/gateway-observer.js';
import { forwardBreakerTransitions } from './forward-breaker-transitions.js';
import type { GatewayTables } from './gateway-tables.js';
import { openHealthChecks, type HealthChecks } from './open-health-checks.js';

/** What one build of the engine hands to the work that runs beside it. */
export interface BuiltEngine {
  resilience: Resilience;
  tables: GatewayTables;
}

export interface GatewayUpkeepOptions {
  config: Pick<GatewayConfig, 'healthChecks' | 'deployments'>;
  /** Where breaker flips and queue lengths go as they happen (metrics, logs, dashboard). */
  observer?: Pick<GatewayObserver, 'breakerChanged' | 'queueChanged'>;
  logger?: { warn(fields: object, message: string): void; info(fields: object, message: string): void };
  clock?: Clock;
}

export interface GatewayUpkeep {
  /** Undefined when config checks no deployment. */
  readonly healthChecks: HealthChecks | undefined;
  /** Stops everything; call when the engine is replaced (config reload) or closed. */
  stop(): void;
}

/**
 * The work that runs beside one built engine: breaker flips and queue lengths pushed to
 * telemetry, and the active health checks config asks for. Started per build, stopped before the
 * next build takes over, so a reload never leaves an old engine probing.
 */
export function startGatewayUpkeep(engine: BuiltEngine, options: GatewayUpkeepOptions): GatewayUpkeep {
  const clock = options.clock ?? engine.resilience.clock;
  const stops: Array<() => void> = [];
  const observer = options.observer;
  if (observer?.breakerChanged !== undefined) stops.push(forwardBreakerTransitions(engine.resilience.breakers, observer, clock));
  if (observer?.queueChanged !== undefined) {
    const unsubscribe = engine.resilience.concurrency.onQueueChange?.((deploymentId, queued) => observer.queueChanged?.({ deploymentId, at: clock.now(), queued }));
    if (unsubscribe !== undefined) stops.push(unsubscribe);
  }
  // Log when a deployment starts or stops passing its checks, not every probe.
  const failing = new Set<string>();
  const healthChecks = openHealthChecks({
    config: options.config,
    tables: engine.tables,
    resilience: engine.resilience,
    clock,
    onResult: (result, opened) => {
      const { deploymentId } = result;
      if (result.outcome === 'ok') {
        if (failing.delete(deploymentId)) options.logger?.info({ deployment: deploymentId, latencyMs: result.latencyMs }, 'health check passes again');
        return;
      }
      if (failing.has(deploymentId)) return;
      failing.add(deploymentId);
      const error = toGatewayError(result.error);
      options.logger?.warn({ deployment: deploymentId, outcome: result.outcome, code: error.code, breakerOpen: opened }, 'health check failed');
    },
  });
  if (healthChecks !== undefined) {
    healthChecks.start();
    stops.push(() => healthChecks.stop());
  }
  return {
    healthChecks,
    stop: () => {
      for (const stop of stops.splice(0)) stop();
    },
  };
}
