import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/gateway-error.js';
import { BreakerRegistry } from './breaker-registry.js';
import { HealthCheckScheduler, type HealthCheckResult } from './health-check-scheduler.js';
import { LiveStatsTracker } from './live-stats-tracker.js';
import { ManualClock } from './manual-clock.js';

const flush = async () => {
  for (let i = 0; i < 5; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
};

describe('HealthCheckScheduler', () => {
  it('probes every deployment each interval and feeds the breaker and the stats', async () => {
    const clock = new ManualClock(0);
    const breakers = new BreakerRegistry({ clock, consecutiveFailures: 2 });
    const stats = new LiveStatsTracker({ clock });
    const results: HealthCheckResult[] = [];
    const probed: string[] = [];
    const scheduler = new HealthCheckScheduler({
      deployments: ['up', 'down'],
      intervalMs: 1_000,
      clock,
      breaker: breakers,
      stats,
      onResult: (r) => results.push(r),
      probe: async (id) => {
        probed.push(id);
        if (id === 'down') throw new GatewayError('upstream_server_error', '500');
      },
    });
    scheduler.start();
    clock.advance(999);
    await flush();
    expect(probed).toEqual([]);
    clock.advance(1);
    await flush();
    clock.advance(1_000);
    await flush();
    expect(probed).toEqual(['up', 'down', 'up', 'down']);
    expect(breakers.state('down')).toBe('open');
    expect(breakers.state('up')).toBe('closed');
    expect(stats.snapshot('down').errorRate).toBe(1);
    expect(results.filter((r) => r.deploymentId === 'down').map((r) => r.outcome)).toEqual(['server_error', 'server_error']);
    scheduler.stop();
    clock.advance(10_000);
    await flush();
    expect(probed).toHaveLength(4);
    expect(clock.pendingTimers).toBe(0);
  });

  it('a probe that outlives its timeout is aborted and counted as a timeout', async () => {
    const clock = new ManualClock(0);
    let seen: AbortSignal | undefined;
    const scheduler = new HealthCheckScheduler({
      deployments: ['slow'],
      intervalMs: 1_000,
      timeoutMs: 300,
      clock,
      probe: (_id, signal) =>
        new Promise<void>((_resolve, reject) => {
          seen = signal;
          signal.addEventListener('abort', () => reject(new Error('aborted')));
        }),
    });
    const running = scheduler.runOnce();
    clock.advance(300);
    const [result] = await running;
    expect(seen?.aborted).toBe(true);
    expect(result).toMatchObject({ deploymentId: 'slow', outcome: 'timeout', latencyMs: 300 });
  });
});
