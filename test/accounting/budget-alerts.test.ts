import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Accounting, MetricAlertSink, type Alert, type AlertSink, type Principal } from '../../src/accounting/index.js';
import { SqliteStore } from '../../src/state/index.js';

const root = mkdtempSync(join(tmpdir(), 'switchyard-alerts-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

class ListSink implements AlertSink {
  readonly alerts: Alert[] = [];
  emit(alert: Alert): void {
    this.alerts.push(alert);
  }
}

const ana: Principal = { keyId: 'k1', owner: 'ana', team: 'search' };

async function spend(accounting: Accounting, usd: number): Promise<void> {
  const r = await accounting.budgets.reserve({ principal: ana, amountUsd: usd, requestId: 'r' });
  await accounting.budgets.settle(r, usd);
}

describe('budget alerts', () => {
  it('fires 50/80/100% once per period, to every sink, and not again after a restart', async () => {
    const dir = join(root, 'a');
    let now = Date.UTC(2026, 10, 25, 9);
    const sink = new ListSink();
    const metric = { inc: vi.fn() };
    const open = async () =>
      Accounting.open({
        store: await SqliteStore.open({ dataDir: dir }), clock: () => now, anomaly: false,
        alertSinks: [sink, new MetricAlertSink(metric)],
      });
    let accounting = await open();
    await accounting.budgets.setBudget({ scope: 'team', scopeId: 'search', period: 'day', limitUsd: 10 });
    await spend(accounting, 4);
    await spend(accounting, 1.5);
    await vi.waitFor(() => expect(sink.alerts).toHaveLength(1));
    expect(sink.alerts[0]).toMatchObject({
      kind: 'budget_threshold', budgetId: 'team:search:day', threshold: 0.5, spentUsd: 5.5, limitUsd: 10, periodStart: '2026-11-25T00:00:00.000Z',
    });
    await spend(accounting, 4.5);
    await vi.waitFor(() => expect(sink.alerts.map((a) => a.kind === 'budget_threshold' && a.threshold)).toEqual([0.5, 0.8, 1]));
    expect(metric.inc).toHaveBeenCalledWith({ kind: 'budget_threshold', scope: 'team', threshold: '0.8' });
    // Settle the ledger the way the engine would, so that spend survives the restart.
    await accounting.ledger.recordDurably({
      id: 'r', kind: 'request', requestId: 'r', keyId: 'k1', team: 'search', inputTokens: 1, outputTokens: 1, cachedInputTokens: 0,
      costUsd: 10, latencyMs: 1, outcome: 'ok', cacheHit: false, streamed: false, startedAt: now, endedAt: now,
    });
    await accounting.close();

    accounting = await open();
    await accounting.budgets.setBudget({ scope: 'team', scopeId: 'search', period: 'day', limitUsd: 10 });
    expect((await accounting.budgets.getBudgets())[0]?.spentUsd).toBe(10);
    await spend(accounting, 0);
    await new Promise((r) => setTimeout(r, 20));
    expect(sink.alerts).toHaveLength(3);
    // A new day is a new period: the thresholds are armed again.
    now = Date.UTC(2026, 10, 26, 9);
    await spend(accounting, 6);
    await vi.waitFor(() => expect(sink.alerts).toHaveLength(4));
    expect(sink.alerts[3]).toMatchObject({ threshold: 0.5, periodStart: '2026-11-26T00:00:00.000Z' });
    await accounting.close();
  });

  it('uses a budget’s own thresholds instead of the defaults', async () => {
    const sink = new ListSink();
    const accounting = await Accounting.open({ store: await SqliteStore.open({ dataDir: join(root, 'b') }), anomaly: false, alertSinks: [sink] });
    await accounting.budgets.setBudget({ scope: 'key', scopeId: 'k1', period: 'total', limitUsd: 1, alertThresholds: [0.9] });
    await spend(accounting, 0.85);
    await spend(accounting, 0.1);
    await vi.waitFor(() => expect(sink.alerts).toHaveLength(1));
    expect(sink.alerts[0]).toMatchObject({ threshold: 0.9, scope: 'key', scopeId: 'k1' });
    await accounting.close();
  });
});
