import { describe, expect, it } from 'vitest';
import { BreakerRegistry } from '../resilience/breaker-registry.js';
import { ManualClock } from '../resilience/manual-clock.js';
import { BreakerWatcher } from '../telemetry/breaker-watcher.js';
import { createTelemetry } from '../telemetry/create-telemetry.js';
import type { BreakerChangedEvent } from '../telemetry/gateway-observer.js';
import { metricSample } from '../../test/support/metric-sample.js';
import { forwardBreakerTransitions } from './forward-breaker-transitions.js';

const breakerGauge = (text: string, deployment: string) => metricSample(text, 'switchyard_breaker_state', { deployment });

describe('forwardBreakerTransitions', () => {
  it('reports a breaker that opens and half-opens within one second, as it happens', async () => {
    const clock = new ManualClock(10_000);
    const breakers = new BreakerRegistry({ clock, consecutiveFailures: 2, cooldownMs: 300 });
    const seen: BreakerChangedEvent[] = [];
    const telemetry = createTelemetry({ logging: { level: 'silent' } });
    const stop = forwardBreakerTransitions(breakers, { breakerChanged: (event) => (seen.push(event), telemetry.observer.breakerChanged?.(event)) }, clock);

    for (let i = 0; i < 2; i += 1) breakers.record(breakers.tryAcquire('a/x') ?? expect.fail('closed breaker refused a call'), 'server_error');
    expect(seen).toEqual([{ deploymentId: 'a/x', at: 10_000, from: 'closed', to: 'open' }]);
    // No live stats attached: only a pushed event can have moved the gauge.
    expect(breakerGauge(await telemetry.metrics.scrape(), 'a/x')).toBe(2);

    clock.advance(299);
    expect(seen).toHaveLength(1);
    clock.advance(1);
    expect(seen.at(-1)).toEqual({ deploymentId: 'a/x', at: 10_300, from: 'open', to: 'half_open' });
    expect(breakerGauge(await telemetry.metrics.scrape(), 'a/x')).toBe(1);

    // The registry records the half-open flip only when the next call asks: not reported twice.
    const probe = breakers.tryAcquire('a/x') ?? expect.fail('half-open breaker refused its probe');
    expect(seen).toHaveLength(2);
    breakers.record(probe, 'ok');
    expect(seen.map((event) => `${event.from}>${event.to}`)).toEqual(['closed>open', 'open>half_open', 'half_open>closed']);
    expect(breakerGauge(await telemetry.metrics.scrape(), 'a/x')).toBe(0);

    stop();
    for (let i = 0; i < 2; i += 1) breakers.record(breakers.tryAcquire('a/x') ?? expect.fail('closed breaker refused a call'), 'server_error');
    clock.advance(10_000);
    expect(seen).toHaveLength(3);
    expect(clock.pendingTimers).toBe(0);
  });

  it('telemetry passes each flip on once when the watcher poll sees what was pushed', async () => {
    const clock = new ManualClock(0);
    const breakers = new BreakerRegistry({ clock, consecutiveFailures: 1, cooldownMs: 300 });
    const lines: string[] = [];
    const telemetry = createTelemetry({
      logging: { level: 'warn', destination: { write: (line: string) => void lines.push(line) } },
    });
    const watcher = new BreakerWatcher(() => [{ deploymentId: 'a/x', samples: 1, breaker: breakers.state('a/x'), inFlight: 0 }], telemetry.observer, { now: () => clock.now() });
    watcher.check();
    const stop = forwardBreakerTransitions(breakers, telemetry.observer, clock);
    breakers.record(breakers.tryAcquire('a/x') ?? expect.fail('closed breaker refused a call'), 'network');
    watcher.check();
    clock.advance(300);
    watcher.check();
    stop();
    const flips = lines.map((line) => JSON.parse(line) as { event?: string; from?: string; to?: string }).filter((line) => line.event === 'breaker');
    expect(flips.map((line) => `${line.from}>${line.to}`)).toEqual(['closed>open', 'open>half_open']);
  });
});
