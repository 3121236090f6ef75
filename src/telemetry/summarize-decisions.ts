import type { DecisionRecord } from './decision-record.js';

export interface TrafficShare {
  deploymentId: string;
  requests: number;
  /** Share of the group's requests, 0..1. */
  share: number;
  costUsd: number;
  costShare: number;
}

export interface AuditSummary {
  from?: number;
  to?: number;
  decisions: number;
  costUsd: number;
  byDeployment: TrafficShare[];
  byTask: Array<{ task: string; requests: number; costUsd: number; deployments: TrafficShare[] }>;
  firstPick: { failed: number; rate: number };
  /**
   * Spend against a baseline of sending every request to the dearest deployment that served
   * traffic in the period, priced with each decision's own estimate for that deployment (or its
   * dearest candidate when that deployment was not a candidate). The baseline is an estimate;
   * the actual spend is measured.
   */
  savings?: { baselineDeployment: string; baselineCostUsd: number; actualCostUsd: number; savedUsd: number; savedShare: number };
}

interface Tally {
  requests: number;
  costUsd: number;
}

function shares(tallies: Map<string, Tally>, requests: number, costUsd: number): TrafficShare[] {
  return [...tallies]
    .map(([deploymentId, t]) => ({
      deploymentId,
      requests: t.requests,
      share: requests === 0 ? 0 : t.requests / requests,
      costUsd: t.costUsd,
      costShare: costUsd === 0 ? 0 : t.costUsd / costUsd,
    }))
    .sort((a, b) => b.requests - a.requests || a.deploymentId.localeCompare(b.deploymentId));
}

function add(map: Map<string, Tally>, key: string, costUsd: number): void {
  const tally = map.get(key) ?? { requests: 0, costUsd: 0 };
  tally.requests += 1;
  tally.costUsd += costUsd;
  map.set(key, tally);
}

/** The `switchyard audit` numbers for a set of decision records. */
export function summarizeDecisions(records: readonly DecisionRecord[], period: { from?: number; to?: number } = {}): AuditSummary {
  let costUsd = 0;
  let firstPickFailed = 0;
  const byDeployment = new Map<string, Tally>();
  const byTask = new Map<string, { total: Tally; deployments: Map<string, Tally> }>();
  const estimateTotals = new Map<string, { sum: number; n: number }>();
  for (const record of records) {
    const served = record.result.winner ?? record.result.attempts.at(-1)?.deploymentId ?? 'none';
    costUsd += record.result.costUsd;
    if (record.result.firstPickFailed) firstPickFailed += 1;
    add(byDeployment, served, record.result.costUsd);
    const task = byTask.get(record.profile.task) ?? { total: { requests: 0, costUsd: 0 }, deployments: new Map<string, Tally>() };
    task.total.requests += 1;
    task.total.costUsd += record.result.costUsd;
    add(task.deployments, served, record.result.costUsd);
    byTask.set(record.profile.task, task);
    for (const candidate of record.candidates) {
      const total = estimateTotals.get(candidate.deploymentId) ?? { sum: 0, n: 0 };
      total.sum += candidate.estimatedCostUsd;
      total.n += 1;
      estimateTotals.set(candidate.deploymentId, total);
    }
  }
  const summary: AuditSummary = {
    decisions: records.length,
    costUsd,
    byDeployment: shares(byDeployment, records.length, costUsd),
    byTask: [...byTask]
      .map(([task, t]) => ({ task, requests: t.total.requests, costUsd: t.total.costUsd, deployments: shares(t.deployments, t.total.requests, t.total.costUsd) }))
      .sort((a, b) => b.requests - a.requests || a.task.localeCompare(b.task)),
    firstPick: { failed: firstPickFailed, rate: records.length === 0 ? 0 : firstPickFailed / records.length },
  };
  if (period.from !== undefined) summary.from = period.from;
  if (period.to !== undefined) summary.to = period.to;
  let baselineDeployment: string | undefined;
  let dearest = -1;
  for (const [deploymentId] of byDeployment) {
    const estimate = estimateTotals.get(deploymentId);
    if (estimate === undefined || estimate.n === 0) continue;
    const average = estimate.sum / estimate.n;
    if (average > dearest) {
      dearest = average;
      baselineDeployment = deploymentId;
    }
  }
  if (baselineDeployment !== undefined) {
    let baselineCostUsd = 0;
    for (const record of records) {
      const onBaseline = record.candidates.find((c) => c.deploymentId === baselineDeployment)?.estimatedCostUsd;
      baselineCostUsd += onBaseline ?? record.mostExpensive?.estimatedCostUsd ?? record.result.costUsd;
    }
    const savedUsd = baselineCostUsd - costUsd;
    summary.savings = { baselineDeployment, baselineCostUsd, actualCostUsd: costUsd, savedUsd, savedShare: baselineCostUsd === 0 ? 0 : savedUsd / baselineCostUsd };
  }
  return summary;
}
