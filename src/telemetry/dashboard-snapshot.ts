import type { LiveStats } from '../spec/live-stats.js';
import type { DecisionLog, DecisionRecord } from './decision-record.js';
import type { BreakerState, BudgetLevel } from './gateway-observer.js';
import type { RollingStats, SeriesPoint, StatsReport } from './rolling-stats.js';
import type { BudgetStatusView, StatusBoard } from './status-board.js';

export interface DashboardSnapshot {
  generatedAt: number;
  windowMs: number;
  stats: StatsReport;
  sinceStart: StatsReport['gateway'];
  series: { stepMs: number; points: SeriesPoint[] };
  /** Requests per task type and the deployment that served them, over the window. */
  routingMix: Array<{ task: string; total: number; deployments: Record<string, number> }>;
  breakers: Array<{ deploymentId: string; state: BreakerState; inFlight: number; since?: number }>;
  budgets: BudgetStatusView[];
  /** Offline batch jobs, newest first: progress and what they cost so far. */
  batches: BatchProgressView[];
  decisions: Array<{
    id: string;
    at: number;
    task: string;
    policy: string;
    picked?: string;
    winner?: string;
    outcome: string;
    attempts: number;
    costUsd: number;
    latencyMs: number;
    reasons: string[];
  }>;
}

/** One batch job as the dashboard shows it. */
export interface BatchProgressView {
  id: string;
  status: string;
  total: number;
  completed: number;
  failed: number;
  costUsd: number;
  /** Epoch ms. */
  createdAt: number;
}

export interface DashboardSources {
  stats: RollingStats;
  decisions: DecisionLog;
  board: StatusBoard;
  liveStats?: () => LiveStats[];
  /** Budget levels pulled from cost control; those pushed as events fill in the rest. */
  budgets?: () => Promise<readonly BudgetLevel[]> | readonly BudgetLevel[];
  /** Batch jobs, from the batch runner. */
  batches?: () => readonly BatchProgressView[];
  now?: () => number;
}

async function budgetViews(sources: DashboardSources, now: number): Promise<BudgetStatusView[]> {
  const pushed = sources.board.budgets();
  if (sources.budgets === undefined) return pushed;
  let pulled: readonly BudgetLevel[];
  try {
    pulled = await sources.budgets();
  } catch {
    // A store that is briefly away must not blank the dashboard; the pushed levels remain.
    return pushed;
  }
  const views = new Map<string, BudgetStatusView>();
  for (const level of pulled) {
    views.set(`${level.scope}\u0000${level.name}`, { ...level, utilization: level.limitUsd > 0 ? level.spentUsd / level.limitUsd : 0, at: now });
  }
  for (const view of pushed) if (!views.has(`${view.scope}\u0000${view.name}`)) views.set(`${view.scope}\u0000${view.name}`, view);
  return [...views.values()].sort((a, b) => b.utilization - a.utilization);
}

function summarizeForDashboard(record: DecisionRecord): DashboardSnapshot['decisions'][number] {
  const first = record.candidates[0];
  const row: DashboardSnapshot['decisions'][number] = {
    id: record.id,
    at: record.at,
    task: record.profile.task,
    policy: record.policy,
    outcome: record.result.outcome,
    attempts: record.result.attempts.length,
    costUsd: record.result.costUsd,
    latencyMs: Math.round(record.result.latencyMs),
    reasons: [...record.reasons, ...(first?.reasons ?? [])].slice(0, 6),
  };
  if (first !== undefined) row.picked = first.deploymentId;
  if (record.result.winner !== undefined) row.winner = record.result.winner;
  return row;
}

/** Everything the dashboard page draws, in one JSON document it polls. */
export async function buildDashboardSnapshot(sources: DashboardSources, windowMs: number): Promise<DashboardSnapshot> {
  const now = (sources.now ?? Date.now)();
  const recent = await sources.decisions.query({ from: now - windowMs, limit: 5_000 });
  const mix = new Map<string, { total: number; deployments: Record<string, number> }>();
  for (const record of recent) {
    const served = record.result.winner ?? 'failed';
    const entry = mix.get(record.profile.task) ?? { total: 0, deployments: {} };
    entry.total += 1;
    entry.deployments[served] = (entry.deployments[served] ?? 0) + 1;
    mix.set(record.profile.task, entry);
  }
  const events = sources.board.breakers();
  const live = sources.liveStats?.() ?? [];
  const breakers: DashboardSnapshot['breakers'] = live.map((s) => {
    const since = events.get(s.deploymentId)?.since;
    return since === undefined ? { deploymentId: s.deploymentId, state: s.breaker, inFlight: s.inFlight } : { deploymentId: s.deploymentId, state: s.breaker, inFlight: s.inFlight, since };
  });
  for (const [deploymentId, event] of events) {
    if (!breakers.some((b) => b.deploymentId === deploymentId)) breakers.push({ deploymentId, state: event.state, inFlight: 0, since: event.since });
  }
  breakers.sort((a, b) => a.deploymentId.localeCompare(b.deploymentId));
  return {
    generatedAt: now,
    windowMs,
    stats: sources.stats.report(windowMs),
    sinceStart: sources.stats.report().gateway,
    series: sources.stats.series(windowMs),
    routingMix: [...mix].map(([task, e]) => ({ task, ...e })).sort((a, b) => b.total - a.total),
    breakers,
    budgets: await budgetViews(sources, now),
    batches: [...(sources.batches?.() ?? [])],
    decisions: recent.slice(0, 15).map(summarizeForDashboard),
  };
}
