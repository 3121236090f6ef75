import type { LiveStats } from '../spec/live-stats.js';
import type { BreakerState, GatewayObserver } from './gateway-observer.js';

export interface BreakerWatcherOptions {
  /** How often live stats are compared, ms (default 1000). */
  intervalMs?: number;
  now?: () => number;
}

/**
 * Turns breaker states read from live stats into `breakerChanged` events, by comparing them on a
 * timer off the request path. The engine pushes its own breakers' flips as they happen; this poll
 * is the backstop for flips it cannot push (breakers shared with other processes), and alone it
 * would miss a breaker that opens and closes again within one interval. Telemetry passes each
 * flip on once (`distinctBreakerChanges`).
 */
export class BreakerWatcher {
  private readonly last = new Map<string, BreakerState>();
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(
    private readonly source: () => LiveStats[],
    private readonly observer: GatewayObserver,
    private readonly options: BreakerWatcherOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  start(): this {
    this.check();
    this.timer ??= setInterval(() => this.check(), this.options.intervalMs ?? 1_000);
    this.timer.unref();
    return this;
  }

  /** Compares once; the first sight of a deployment sets its baseline without an event. */
  check(): void {
    let stats: LiveStats[];
    try {
      stats = this.source();
    } catch {
      return;
    }
    for (const entry of stats) {
      const before = this.last.get(entry.deploymentId);
      this.last.set(entry.deploymentId, entry.breaker);
      if (before !== undefined && before !== entry.breaker) {
        this.observer.breakerChanged?.({ deploymentId: entry.deploymentId, at: this.now(), from: before, to: entry.breaker });
      }
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
