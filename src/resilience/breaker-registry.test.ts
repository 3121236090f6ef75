import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/gateway-error.js';
import { BreakerRegistry, type BreakerTransition } from './breaker-registry.js';
import { ManualClock } from './manual-clock.js';

function setup(options: ConstructorParameters<typeof BreakerRegistry>[0] = {}) {
  const clock = new ManualClock(1_000_000);
  const registry = new BreakerRegistry({ clock, ...options });
  const transitions: BreakerTransition[] = [];
  registry.onTransition((t) => transitions.push(t));
  const call = (id: string, outcome: Parameters<BreakerRegistry['record']>[1], retryAfterMs?: number) => {
    const ticket = registry.tryAcquire(id);
    if (ticket === undefined) return false;
    registry.record(ticket, outcome, retryAfterMs);
    return true;
  };
  return { clock, registry, transitions, call };
}

describe('BreakerRegistry', () => {
  it('opens after N consecutive failures and refuses calls while open', () => {
    const { registry, transitions, call } = setup({ consecutiveFailures: 3, minimumVolume: 1_000 });
    call('a', 'server_error');
    call('a', 'ok');
    call('a', 'timeout');
    call('a', 'network');
    expect(registry.state('a')).toBe('closed');
    call('a', 'overloaded');
    expect(registry.state('a')).toBe('open');
    expect(registry.tryAcquire('a')).toBeUndefined();
    expect(registry.refusal('a')).toBe('open');
    expect(transitions).toEqual([expect.objectContaining({ deploymentId: 'a', from: 'closed', to: 'open', reason: 'consecutive_failures' })]);
  });

  it('opens on the failure rate only once the window holds the minimum volume', () => {
    const { registry, call } = setup({ consecutiveFailures: 100, minimumVolume: 10, failureRateThreshold: 0.5 });
    for (let i = 0; i < 4; i += 1) {
      call('a', 'server_error');
      call('a', 'ok');
    }
    expect(registry.state('a')).toBe('closed');
    call('a', 'ok');
    call('a', 'server_error');
    expect(registry.state('a')).toBe('open');
  });

  it('forgets failures that slid out of the window', () => {
    const { clock, registry, call } = setup({ consecutiveFailures: 100, minimumVolume: 4, failureRateThreshold: 0.5, windowMs: 10_000, windowBuckets: 10 });
    call('a', 'server_error');
    call('a', 'server_error');
    call('a', 'server_error');
    clock.advance(11_000);
    call('a', 'ok');
    call('a', 'ok');
    call('a', 'ok');
    call('a', 'server_error');
    expect(registry.state('a')).toBe('closed');
  });

  it('ignores caller-side outcomes', () => {
    const { registry, call } = setup({ consecutiveFailures: 2 });
    for (const outcome of ['invalid_request', 'context_overflow', 'content_filtered', 'auth'] as const) {
      call('a', outcome);
      call('a', outcome);
    }
    expect(registry.state('a')).toBe('closed');
  });

  it('half-opens after the cooldown with a bounded number of probes; a success closes it', () => {
    const { clock, registry, transitions, call } = setup({ consecutiveFailures: 1, cooldownMs: 5_000, halfOpenProbes: 2 });
    call('a', 'server_error');
    clock.advance(4_999);
    expect(registry.state('a')).toBe('open');
    clock.advance(1);
    expect(registry.state('a')).toBe('half_open');
    const first = registry.tryAcquire('a');
    const second = registry.tryAcquire('a');
    expect(first?.probe).toBe(true);
    expect(second?.probe).toBe(true);
    expect(registry.tryAcquire('a')).toBeUndefined();
    expect(registry.refusal('a')).toBe('probes_busy');
    registry.release(second!);
    expect(registry.refusal('a')).toBeUndefined();
    registry.record(first!, 'ok');
    expect(registry.state('a')).toBe('closed');
    expect(transitions.map((t) => `${t.from}->${t.to}:${t.reason}`)).toEqual([
      'closed->open:consecutive_failures',
      'open->half_open:cooldown_elapsed',
      'half_open->closed:probe_succeeded',
    ]);
  });

  it('a failed probe re-opens with a longer cooldown, up to the maximum', () => {
    const { clock, registry, call } = setup({ consecutiveFailures: 1, cooldownMs: 1_000, cooldownMultiplier: 2, maxCooldownMs: 3_000 });
    call('a', 'network');
    const cooldowns: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      let waited = 0;
      while (registry.state('a') === 'open') {
        clock.advance(100);
        waited += 100;
      }
      cooldowns.push(waited);
      call('a', 'timeout');
    }
    expect(cooldowns).toEqual([1_000, 2_000, 3_000]);
    while (registry.state('a') === 'open') clock.advance(100);
    call('a', 'ok');
    expect(registry.state('a')).toBe('closed');
    // Closing resets the cooldown.
    call('a', 'network');
    clock.advance(1_000);
    expect(registry.state('a')).toBe('half_open');
  });

  it('ignores outcomes of calls admitted before the last state change', () => {
    const { clock, registry, call } = setup({ consecutiveFailures: 1, cooldownMs: 1_000 });
    const stale = registry.tryAcquire('a')!;
    call('a', 'server_error');
    clock.advance(1_000);
    const probe = registry.tryAcquire('a')!;
    registry.record(stale, 'ok');
    expect(registry.state('a')).toBe('half_open');
    registry.record(probe, 'ok');
    expect(registry.state('a')).toBe('closed');
  });

  it('a 429 storm cools one deployment down, honouring retry-after, without tripping it or others', () => {
    const { clock, registry, transitions, call } = setup({ consecutiveFailures: 2, rateLimitCooldownMs: 500 });
    for (let i = 0; i < 5; i += 1) {
      call('a', 'rate_limited', 2_000);
      clock.advance(2_000);
    }
    expect(registry.state('a')).toBe('closed');
    expect(transitions).toEqual([]);
    call('a', 'rate_limited', 2_000);
    expect(registry.tryAcquire('a')).toBeUndefined();
    expect(registry.refusal('a')).toBe('cooling_down');
    expect(registry.coolingUntil('a')).toBe(clock.now() + 2_000);
    expect(registry.tryAcquire('b')).toBeDefined();
    clock.advance(2_000);
    expect(registry.tryAcquire('a')).toBeDefined();
  });

  it('without retry-after, the cool-down doubles while 429s continue and resets on success', () => {
    const { clock, registry, call } = setup({ rateLimitCooldownMs: 100, maxRateLimitCooldownMs: 350 });
    const waits: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      call('a', 'rate_limited');
      waits.push(registry.coolingUntil('a')! - clock.now());
      clock.advance(waits[i]!);
    }
    expect(waits).toEqual([100, 200, 350, 350]);
    call('a', 'ok');
    call('a', 'rate_limited');
    expect(registry.coolingUntil('a')! - clock.now()).toBe(100);
  });

  it('recordError reads the outcome and retry-after from the typed error; client_closed is no verdict', () => {
    const { registry } = setup({ consecutiveFailures: 1, cooldownMs: 1_000 });
    const ticket = registry.tryAcquire('a')!;
    registry.recordError(ticket, new GatewayError('client_closed', 'gone'));
    expect(registry.state('a')).toBe('closed');
    registry.recordError(registry.tryAcquire('a')!, new GatewayError('rate_limited', 'slow', { retryAfterMs: 3_000 }));
    expect(registry.refusal('a')).toBe('cooling_down');
    registry.recordError({ deploymentId: 'b', probe: false, generation: 0 }, new GatewayError('upstream_server_error', 'boom'));
    expect(registry.state('b')).toBe('open');
  });

  it('forceOpen takes a deployment out; health checks can end an open cooldown early', () => {
    const { registry, transitions } = setup({ cooldownMs: 10_000 });
    registry.forceOpen('a', 60_000);
    expect(registry.state('a')).toBe('open');
    registry.recordHealthCheck('a', 'server_error');
    expect(registry.state('a')).toBe('open');
    registry.recordHealthCheck('a', 'ok');
    expect(registry.state('a')).toBe('half_open');
    expect(transitions.map((t) => t.reason)).toEqual(['forced', 'health_check']);
    expect(registry.snapshot()).toEqual([{ deploymentId: 'a', state: 'half_open' }]);
  });
});
