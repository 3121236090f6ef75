import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../config/load-config.js';
import { startFakeUpstream, type FakeUpstream } from '../../test/support/fake-upstream.js';
import type { GatewayAccounting } from './gateway-accounting.js';
import { openGatewayAccounting } from './open-gateway-accounting.js';

let hook: FakeUpstream | undefined;
let opened: GatewayAccounting | undefined;

afterEach(async () => {
  await opened?.close();
  await hook?.close();
  opened = undefined;
  hook = undefined;
});

describe('openGatewayAccounting', () => {
  it('applies config budgets and sends threshold alerts to the log, the metrics registry and the webhook', async () => {
    hook = await startFakeUpstream(() => ({ kind: 'json', body: { ok: true } }));
    const config = parseConfig(
      {
        keys: { enabled: true },
        accounting: {
          store: 'memory',
          budgets: [{ scope: 'team', scopeId: 'ml', period: 'day', limitUsd: 1 }],
          alertThresholds: [0.5],
          webhook: { url: `${hook.url}/alerts`, headers: { 'x-token': 'hook-secret' } },
        },
      },
      {},
    );
    const registry = new Registry();
    const logged: string[] = [];
    const logger = { info: () => {}, warn: (_fields: object, message: string) => void logged.push(message), error: () => {} };
    opened = await openGatewayAccounting({ config, metricsRegistry: registry, logger });
    expect(opened.keysRequired).toBe(true);
    const [budget] = await opened.accounting.budgets.getBudgets();
    expect(budget?.budget).toMatchObject({ scope: 'team', scopeId: 'ml', period: 'day', limitUsd: 1 });

    const charge = await opened.begin({ requestId: 'r1', principal: { keyId: 'k1', team: 'ml' } }, { streamed: false, estimatedTokens: 10 });
    await charge.settle(await charge.reserve(0.7), 0.6);
    await charge.finish({ outcome: 'ok', attempts: [], costOf: () => 0 });

    for (let i = 0; i < 100 && hook.requests.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(hook.requests).toHaveLength(1);
    expect(hook.requests[0]).toMatchObject({ method: 'POST', path: '/alerts' });
    expect(hook.requests[0]?.headers['x-token']).toBe('hook-secret');
    expect(hook.requests[0]?.json).toMatchObject({ kind: 'budget_threshold', threshold: 0.5 });
    expect(logged).toEqual(['budget alert']);
    expect(await registry.metrics()).toMatch(/switchyard_budget_alerts_total\{kind="budget_threshold",scope="team",threshold="0\.5"\} 1/);
  });

  it('checks the spend-rate anomaly rule on a timer too', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      opened = await openGatewayAccounting({ config: parseConfig({ accounting: { store: 'memory' } }, {}) });
      const check = vi.spyOn(opened.accounting.anomalies!, 'onSpend');
      vi.advanceTimersByTime(300_000);
      expect(check).toHaveBeenCalledTimes(1);
      expect(check.mock.calls[0]?.[0]).toMatchObject({ target: {}, amountUsd: 0 });
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses an unauthenticated request when keys are required, whatever the endpoint', async () => {
    opened = await openGatewayAccounting({ config: parseConfig({ keys: { enabled: true }, accounting: { store: 'memory' } }, {}) });
    await expect(opened!.begin({ requestId: 'r2' }, { streamed: false, estimatedTokens: 1 })).rejects.toMatchObject({ code: 'unauthorized' });
  });
});
