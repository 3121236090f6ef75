import { describe, expect, it } from 'vitest';
import { SpendAnomalyDetector, type Alert, type SpendEvent } from '../../src/accounting/index.js';
import { MemoryStore } from '../../src/state/index.js';
import { ledgerEntry } from '../state/describe-store-contract.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 25, 0);

function setup(rule = {}) {
  let now = T0;
  const alerts: Alert[] = [];
  const store = new MemoryStore();
  const detector = new SpendAnomalyDetector({ ...rule, alertState: store.alerts, sinks: [{ emit: (a) => alerts.push(a) }], clock: () => now });
  const spend = (amountUsd: number, target: SpendEvent['target'] = { keyId: 'k1' }) =>
    detector.onSpend({ target, amountUsd, at: now, budgets: [] });
  return { detector, alerts, store, spend, setNow: (ms: number) => (now = ms) };
}

describe('SpendAnomalyDetector', () => {
  it('stays quiet at the usual rate and fires once an hour when the last hour runs far above it', async () => {
    const { alerts, spend, setNow, detector } = setup({ factor: 4, minSpendUsd: 1, minHistoryHours: 3 });
    // Four hours at $0.50 an hour, in ten-minute steps.
    for (let m = 0; m < 240; m += 10) {
      setNow(T0 + m * 60_000);
      await spend(0.5 / 6);
    }
    expect(alerts).toEqual([]);
    setNow(T0 + 4 * HOUR + 30 * 60_000);
    await spend(1.2);
    expect(alerts).toEqual([]); // 1.2 + recent hour's 0.5 is under 4 x 0.5.
    await spend(2);
    expect(alerts.map((a) => a.kind === 'spend_anomaly' && a.scope)).toEqual(['global', 'key']);
    const [first] = alerts;
    expect(first).toMatchObject({ kind: 'spend_anomaly', scopeId: '*' });
    if (first?.kind === 'spend_anomaly') {
      // The trailing hour (buckets from 3:35) holds the 3:40 and 3:50 steps and the spike.
      expect(first.lastHourUsd).toBeCloseTo((0.5 / 6) * 2 + 3.2, 6);
      // 22 steps over the 43 five-minute buckets before the window.
      expect(first.baselineHourlyUsd).toBeCloseTo((22 * 0.5) / 6 / (43 / 12), 6);
    }
    await spend(5);
    expect(alerts).toHaveLength(2);
    expect(detector.measure('key', 'k1')?.lastHourUsd).toBeGreaterThan(8);
  });

  it('does not judge without enough history, nor below the minimum spend', async () => {
    const { alerts, spend, setNow } = setup({ minHistoryHours: 3, minSpendUsd: 1 });
    setNow(T0 + 2 * HOUR);
    await spend(100);
    expect(alerts).toEqual([]);
    setNow(T0 + 10 * HOUR);
    await spend(0.5);
    expect(alerts).toEqual([]);
  });

  it('rebuilds the gateway baseline from the ledger at load', async () => {
    const { detector, alerts, store, spend, setNow } = setup({ factor: 4, minSpendUsd: 1 });
    // $2 in every hour from 20 hours before T0 to T0 + 10h.
    await store.ledger.appendEntries(
      Array.from({ length: 31 }, (_, h) => ledgerEntry({ id: `h${h}`, costUsd: 2, startedAt: T0 + (h - 20) * HOUR + 60_000 })),
    );
    setNow(T0 + 10 * HOUR + 30 * 60_000);
    await detector.load(store.ledger);
    expect(detector.measure('global', '*')).toEqual({ lastHourUsd: 2, baselineHourlyUsd: 2 });
    await spend(5, { team: 't' });
    expect(alerts).toEqual([]); // $7 in the last hour is under 4 x $2.
    await spend(2, { team: 't' });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ scope: 'global' });
  });
});
