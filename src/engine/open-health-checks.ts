import type { GatewayConfig } from '../config/config-schema.js';
import { breakerEffect } from '../resilience/breaker-outcome.js';
import type { Clock } from '../resilience/clock.js';
import { HealthCheckScheduler, type HealthCheckResult } from '../resilience/health-check-scheduler.js';
import type { Resilience } from '../resilience/resilience.js';
import type { GatewayTables } from './gateway-tables.js';

export interface HealthChecksOptions {
  config: Pick<GatewayConfig, 'healthChecks' | 'deployments'>;
  tables: GatewayTables;
  resilience: Resilience;
  clock?: Clock;
  /** Every probe's result, with whether it took the deployment out of rotation. */
  onResult?(result: HealthCheckResult, opened: boolean): void;
}

export interface HealthChecks {
  /** The deployments probed, in config order. */
  readonly deployments: readonly string[];
  start(): void;
  /** Clears the timers and aborts running probes. */
  stop(): void;
  /** Probes every deployment once now. */
  runOnce(): Promise<HealthCheckResult[]>;
}

/**
 * The active health checks a config asks for (`healthChecks`, and each deployment's
 * `healthCheck`), not yet started: one scheduler per interval and timeout. A probe is the
 * cheapest real call (a one-token completion, or a one-word embedding for embedding models).
 * Results feed the deployment's breaker and live stats; `failuresToOpen` failed probes in a row
 * (a rejected key included) open the breaker, and a passing probe lets an open one take probe
 * requests again.
 * Undefined when no deployment is checked.
 */
export function openHealthChecks(options: HealthChecksOptions): HealthChecks | undefined {
  const { config, tables, resilience } = options;
  const global = config.healthChecks;
  const own = new Map(config.deployments.map((deployment) => [deployment.id, deployment.healthCheck]));
  const groups = new Map<string, { intervalMs: number; timeoutMs: number; deployments: string[] }>();
  for (const id of tables.deployments.keys()) {
    const settings = own.get(id);
    if (!(settings?.enabled ?? global.enabled)) continue;
    const intervalMs = settings?.intervalMs ?? global.intervalMs;
    const timeoutMs = settings?.timeoutMs ?? global.timeoutMs;
    const key = `${intervalMs}/${timeoutMs}`;
    const group = groups.get(key) ?? { intervalMs, timeoutMs, deployments: [] };
    group.deployments.push(id);
    groups.set(key, group);
  }
  if (groups.size === 0) return undefined;

  const chat = new Set(tables.profiles.map((profile) => profile.id));
  const breakers = resilience.breakers;
  const failedInARow = new Map<string, number>();
  const breaker = {
    recordHealthCheck(deploymentId: string, outcome: HealthCheckResult['outcome']): void {
      breakers.recordHealthCheck(deploymentId, outcome);
      const effect = breakerEffect(outcome);
      if (effect === 'success') failedInARow.delete(deploymentId);
      // A rejected key is the caller's doing on a request, but on a probe it is the deployment's.
      if (effect !== 'failure' && outcome !== 'auth') return;
      const failed = (failedInARow.get(deploymentId) ?? 0) + 1;
      failedInARow.set(deploymentId, failed);
      // Also from half-open: while the checks fail, requests are not the ones to find out.
      if (failed >= global.failuresToOpen && breakers.state(deploymentId) !== 'open') {
        breakers.forceOpen(deploymentId, breakers.options.cooldownMs, 'health_check');
      }
    },
  };
  const schedulers = [...groups.values()].map(
    (group) =>
      new HealthCheckScheduler({
        deployments: group.deployments,
        intervalMs: group.intervalMs,
        timeoutMs: group.timeoutMs,
        ...(options.clock === undefined ? {} : { clock: options.clock }),
        breaker,
        stats: resilience.stats,
        onResult: (result) => options.onResult?.(result, breakers.state(result.deploymentId) === 'open'),
        probe: async (deploymentId, signal) => {
          const deployment = tables.deployments.get(deploymentId);
          if (deployment === undefined) return;
          const callOptions = { signal, deadlines: { totalMs: group.timeoutMs } };
          const { model } = deployment;
          if (!chat.has(deploymentId) && model.embed !== undefined) {
            await model.embed({ model: deploymentId, input: ['ping'] }, callOptions);
            return;
          }
          await model.complete({ model: deploymentId, messages: [{ role: 'user', content: 'ping' }], maxOutputTokens: 1 }, callOptions);
        },
      }),
  );
  return {
    deployments: [...groups.values()].flatMap((group) => group.deployments),
    start: () => schedulers.forEach((scheduler) => scheduler.start()),
    stop: () => schedulers.forEach((scheduler) => scheduler.stop()),
    runOnce: async () => (await Promise.all(schedulers.map((scheduler) => scheduler.runOnce()))).flat(),
  };
}
