import { toGatewayError } from '../errors/gateway-error.js';
import type { OutcomeClass } from '../spec/outcome-class.js';
import { realClock, type Clock, type TimerHandle } from './clock.js';

/** Where probe results go: the BreakerRegistry and the LiveStatsTracker fit these shapes. */
export interface HealthCheckSinks {
  breaker?: { recordHealthCheck(deploymentId: string, outcome: OutcomeClass): void };
  stats?: { observe(deploymentId: string, sample: { outcome: OutcomeClass; latencyMs?: number }): void };
  /** Every result, for logs and metrics. */
  onResult?(result: HealthCheckResult): void;
}

export interface HealthCheckResult {
  deploymentId: string;
  outcome: OutcomeClass;
  latencyMs: number;
  error?: unknown;
}

export interface HealthCheckSchedulerOptions extends HealthCheckSinks {
  deployments: readonly string[];
  /** A cheap call (e.g. a one-token completion); throws a typed error on failure. */
  probe(deploymentId: string, signal: AbortSignal): Promise<void>;
  intervalMs: number;
  /** A probe running longer than this is aborted and counted as a timeout. */
  timeoutMs?: number;
  clock?: Clock;
}

/**
 * Opt-in active health checks: every interval, one probe per deployment, never two at once for
 * the same deployment. `stop` clears the timer and aborts running probes.
 */
export class HealthCheckScheduler {
  private readonly clock: Clock;
  private timer: TimerHandle | undefined;
  private readonly running = new Map<string, AbortController>();
  private stopped = true;

  constructor(private readonly options: HealthCheckSchedulerOptions) {
    this.clock = options.clock ?? realClock;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    for (const controller of this.running.values()) controller.abort();
    this.running.clear();
  }

  /** Probes every deployment once now; resolves when all probes finished. */
  async runOnce(): Promise<HealthCheckResult[]> {
    const results = await Promise.all(this.options.deployments.filter((id) => !this.running.has(id)).map((id) => this.check(id)));
    return results.filter((result): result is HealthCheckResult => result !== undefined);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimeout(() => {
      void this.runOnce().finally(() => this.schedule());
    }, this.options.intervalMs);
  }

  private async check(deploymentId: string): Promise<HealthCheckResult | undefined> {
    const controller = new AbortController();
    this.running.set(deploymentId, controller);
    const started = this.clock.now();
    const timeoutMs = this.options.timeoutMs ?? this.options.intervalMs;
    let timedOut = false;
    const timer = this.clock.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    let outcome: OutcomeClass = 'ok';
    let error: unknown;
    try {
      await this.options.probe(deploymentId, controller.signal);
    } catch (caught) {
      error = caught;
      outcome = timedOut ? 'timeout' : toGatewayError(caught).outcome;
    } finally {
      this.clock.clearTimeout(timer);
      this.running.delete(deploymentId);
    }
    // A probe cut short by stop() says nothing about the deployment.
    if (this.stopped && !timedOut && error !== undefined) return undefined;
    const result: HealthCheckResult = { deploymentId, outcome, latencyMs: this.clock.now() - started, ...(error === undefined ? {} : { error }) };
    this.options.breaker?.recordHealthCheck(deploymentId, outcome);
    this.options.stats?.observe(deploymentId, { outcome, latencyMs: result.latencyMs });
    this.options.onResult?.(result);
    return result;
  }
}
