import { describe, expect, it } from 'vitest';
import { configSchema } from '../config/config-schema.js';
import { GatewayError } from '../errors/gateway-error.js';
import { ManualClock } from '../resilience/manual-clock.js';
import { Resilience } from '../resilience/resilience.js';
import type { ChatModel } from '../spec/chat-model.js';
import type { ChatRequest } from '../spec/chat-request.js';
import { modelProfileFixture as profile } from '../../test/support/model-profile-fixture.js';
import type { GatewayDeployment, GatewayTables } from './gateway-tables.js';
import { openHealthChecks } from './open-health-checks.js';
import { startGatewayUpkeep } from './start-gateway-upkeep.js';

/** Deployments whose upstream is up or down as the test says; every probe request is kept. */
function fakeTables(ids: string[]) {
  const down = new Set<string>();
  const rejected = new Set<string>();
  const probes: Array<{ id: string; request: ChatRequest }> = [];
  const deployments = new Map<string, GatewayDeployment>();
  for (const id of ids) {
    const model = {
      deploymentId: id,
      provider: 'openai',
      complete: async (request: ChatRequest) => {
        probes.push({ id, request });
        if (down.has(id)) throw new GatewayError('network_error', `${id} is down`, { deploymentId: id });
        if (rejected.has(id)) throw new GatewayError('upstream_auth', `${id} rejected the key`, { deploymentId: id });
        return { id: 'x', model: id, created: 0, choices: [], usage: { inputTokens: 1, outputTokens: 1 } };
      },
      stream: () => {
        throw new Error('not used');
      },
    } as unknown as ChatModel;
    deployments.set(id, { id, profile: profile(id), model, source: 'config' });
  }
  const tables: GatewayTables = { deployments, profiles: ids.map((id) => profile(id)), aliases: new Map(), policies: new Map(), defaultPolicy: 'balanced' };
  return { tables, down, rejected, probes };
}

const flush = async () => {
  for (let i = 0; i < 5; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
};

describe('openHealthChecks', () => {
  it('probes only the deployments config asks for, each at its own interval', () => {
    const { tables } = fakeTables(['a/x', 'b/x', 'c/x']);
    const resilience = new Resilience({ profiles: new Map() });
    const none = configSchema.parse({ deployments: [] });
    expect(openHealthChecks({ config: none, tables, resilience })).toBeUndefined();
    const config = configSchema.parse({
      healthChecks: { enabled: true },
      deployments: [{ id: 'b/x', provider: 'openai', model: 'x', healthCheck: { enabled: false } }],
    });
    expect(openHealthChecks({ config, tables, resilience })?.deployments).toEqual(['a/x', 'c/x']);
  });

  it('opens the breaker of a deployment that fails its checks, and lets it back once they pass', async () => {
    const clock = new ManualClock(0);
    const { tables, down, rejected, probes } = fakeTables(['a/x', 'b/x']);
    const resilience = new Resilience({ profiles: new Map(tables.profiles.map((p) => [p.id, p])), clock, breaker: { cooldownMs: 60_000 } });
    const config = configSchema.parse({ healthChecks: { enabled: true, intervalMs: 1_000, timeoutMs: 500, failuresToOpen: 2 } });
    const upkeep = startGatewayUpkeep({ resilience, tables }, { config, clock });
    down.add('a/x');

    clock.advance(1_000);
    await flush();
    // One failed probe is not yet an outage.
    expect(resilience.breakers.state('a/x')).toBe('closed');
    clock.advance(1_000);
    await flush();
    expect(resilience.breakers.state('a/x')).toBe('open');
    expect(resilience.isAvailable('a/x')).toBe(false);
    expect(resilience.breakers.state('b/x')).toBe('closed');
    expect(resilience.liveStats('a/x').errorRate).toBe(1);
    // The probe is the cheapest call there is.
    expect(probes[0]?.request).toMatchObject({ maxOutputTokens: 1, messages: [{ role: 'user', content: 'ping' }] });

    down.delete('a/x');
    clock.advance(1_000);
    await flush();
    // Long before the 60 s cooldown: a passing check lets probe requests through again.
    expect(resilience.breakers.state('a/x')).toBe('half_open');
    expect(resilience.isAvailable('a/x')).toBe(true);

    // A key the upstream rejects takes the deployment out too.
    rejected.add('b/x');
    for (let i = 0; i < 2; i += 1) {
      clock.advance(1_000);
      await flush();
    }
    expect(resilience.breakers.state('b/x')).toBe('open');

    upkeep.stop();
    const probed = probes.length;
    clock.advance(10_000);
    await flush();
    expect(probes).toHaveLength(probed);
    expect(clock.pendingTimers).toBe(0);
  });
});
