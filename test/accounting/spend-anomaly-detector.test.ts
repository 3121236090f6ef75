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

/** The rule as documented, computed from every spend so far: the reference the running sums must match. */
function referenceMeasure(spends: Array<{ at: number; nanos: number }>, since: number, now: number, rule: { baselineHours: number; minHistoryHours: number }) {
  const bucketMs = 5 * 60_000;
  const windowStart = Math.floor(now / bucketMs) - 11;
  const historyStart = Math.max(Math.ceil(since / bucketMs), windowStart - rule.baselineHours * 12);
  const historyHours = (windowStart - historyStart) / 12;
  if (historyHours < rule.minHistoryHours) return undefined;
  let last = 0;
  let before = 0;
  for (const { at, nanos } of spends) {
    const bucket = Math.floor(at / bucketMs);
    if (bucket >= windowStart) last += nanos;
    else if (bucket >= historyStart) before += nanos;
  }
  return { lastHourUsd: last / 1e9, baselineHourlyUsd: before / 1e9 / historyHours };
}

describe('SpendAnomalyDetector over a long history', () => {
  it('gives the alerts and measurements the rule computes from all spend, over three days with spikes and a quiet day', async () => {
    const rule = { factor: 3, minSpendUsd: 0.5, baselineHours: 24, minHistoryHours: 3 };
    const { detector, alerts, spend, setNow } = setup(rule);
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const spends = new Map<string, { since: number; list: Array<{ at: number; nanos: number }> }>();
    const expected: Array<{ scope: string; scopeId: string; lastHourUsd: number; baselineHourlyUsd: number }> = [];
    const fired = new Set<string>();
    let now = T0;
    while (now < T0 + 72 * HOUR) {
      // A quiet day (longer than the baseline) in the middle, then spend resumes.
      now += now > T0 + 30 * HOUR && now < T0 + 56 * HOUR ? HOUR : Math.floor(random() * 7 * 60_000);
      setNow(now);
      const keyId = random() < 0.5 ? 'k1' : 'k2';
      const spike = random() < 0.01 ? 3 : 0;
      const amountUsd = Math.round((random() * 0.02 + spike) * 1e6) / 1e6;
      await spend(amountUsd, { keyId });
      for (const [scope, scopeId] of [['global', '*'], ['key', keyId]] as const) {
        const name = `${scope}:${scopeId}`;
        const series = spends.get(name) ?? { since: scope === 'global' ? T0 : now, list: [] };
        spends.set(name, series);
        series.list.push({ at: now, nanos: Math.round(amountUsd * 1e9) });
        const measured = referenceMeasure(series.list, series.since, now, rule);
        expect(detector.measure(scope, scopeId, now)).toEqual(measured);
        const hourKey = `${name}:${Math.floor(now / HOUR)}`;
        if (measured && measured.lastHourUsd >= rule.minSpendUsd && measured.lastHourUsd > rule.factor * measured.baselineHourlyUsd && !fired.has(hourKey)) {
          fired.add(hourKey);
          expected.push({ scope, scopeId, ...measured });
        }
      }
    }
    expect(expected.length).toBeGreaterThan(3);
    expect(alerts.map((a) => a.kind === 'spend_anomaly' && { scope: a.scope, scopeId: a.scopeId, lastHourUsd: a.lastHourUsd, baselineHourlyUsd: a.baselineHourlyUsd })).toEqual(expected);
  });
});
