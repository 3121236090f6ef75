import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.js';
import { buildGateway, monthlyCostUsd, readLedgerMix, type LedgerMix, type TrafficShape } from '../../engine/index.js';
import { GatewayError } from '../../errors/gateway-error.js';
import type { ChatRequest } from '../../spec/chat-request.js';
import type { Decision } from '../../spec/decision.js';
import type { ModelProfile } from '../../spec/model-profile.js';
import { isTaskType, TASK_TYPES, type TaskType } from '../../spec/task-type.js';
import { formatTable } from '../format-table.js';
import { formatUsd } from '../format-usd.js';
import { parseCount } from '../parse-count.js';
import { checkPolicyName } from '../check-policy-name.js';

const DAYS_PER_MONTH = 30;

interface EstimateOptions {
  requestsPerDay?: string;
  inputTokens?: string;
  outputTokens?: string;
  policy?: string;
  task: string;
  fromLedger?: boolean;
  dataDir?: string;
  config?: string;
  json?: boolean;
}

/** What `estimate --json` prints; the table shows the same numbers. */
export interface EstimateReport {
  days: number;
  traffic: Required<Omit<TrafficShape, 'days'>>;
  /** Where the token counts came from. */
  basis: 'flags' | 'ledger';
  deployments: Array<{ deploymentId: string; simulated: boolean; perRequestUsd: number; monthlyUsd: number; rank?: number; excluded?: string }>;
  policy: { name: string; task: TaskType; routedInputTokens: number; deploymentId?: string; monthlyUsd?: number; reasons: string[] };
  ledger?: LedgerMix & { dataDir: string; observedMonthlyUsd?: number };
}

/**
 * `switchyard estimate`: monthly cost of a traffic shape on every deployment, and under a policy.
 * For the policy, one representative request of the given size is routed (no model is called)
 * and the whole traffic is priced at the deployment it picks: every request of the shape is
 * alike, so the policy sends them all to the same place.
 */
export function registerEstimateCommand(program: Command): void {
  program
    .command('estimate')
    .description(`Monthly cost (${DAYS_PER_MONTH} days) of a traffic shape per deployment and under a routing policy`)
    .option('--requests-per-day <n>', 'requests a day (with --from-ledger: default the ledger\'s average per active day)')
    .option('--input-tokens <n>', 'input tokens of an average request (with --from-ledger: default the ledger\'s)')
    .option('--output-tokens <n>', 'output tokens of an average request (with --from-ledger: default the ledger\'s)')
    .option('--policy <name>', 'routing policy for the representative request (default: the config default)')
    .option('--task <type>', `task of the representative request: ${TASK_TYPES.join(', ')}`, 'chat')
    .option('--from-ledger', 'take tokens per request (and cached share, deployment mix) from a gateway\'s SQLite ledger')
    .option('--data-dir <dir>', 'the gateway\'s data directory (default: dataDir from the config, ./.switchyard)')
    .option('-c, --config <path>', 'config file (default: $SWITCHYARD_CONFIG or ./switchyard.yaml)')
    .option('--json', 'print the estimate as JSON')
    .action(async (options: EstimateOptions) => {
      const report = await estimate(options);
      console.log(options.json === true ? JSON.stringify(report, null, 2) : renderEstimate(report));
    });
}

async function estimate(options: EstimateOptions): Promise<EstimateReport> {
  if (!isTaskType(options.task)) throw new GatewayError('invalid_request', `--task must be one of ${TASK_TYPES.join(', ')}, not "${options.task}"`, { param: 'task' });
  const task = options.task;
  const loaded = await loadConfig(options.config === undefined ? {} : { path: options.config });
  let ledger: EstimateReport['ledger'];
  if (options.fromLedger === true) {
    const dataDir = options.dataDir ?? loaded.config.dataDir;
    ledger = { ...(await readLedgerMix({ dataDir })), dataDir };
    if (ledger.requests === 0) throw new GatewayError('invalid_request', `the ledger in ${dataDir} has no requests yet`, { param: 'data-dir' });
  }
  const pick = (flag: string | undefined, name: string, fromLedger: number | undefined): number => {
    if (flag !== undefined) return parseCount(flag, name);
    if (fromLedger !== undefined) return fromLedger;
    throw new GatewayError('invalid_request', `${name} is required (or use --from-ledger)`, { param: name });
  };
  const traffic = {
    requestsPerDay: pick(options.requestsPerDay, '--requests-per-day', ledger === undefined ? undefined : ledger.requests / Math.max(1, ledger.activeDays)),
    inputTokens: pick(options.inputTokens, '--input-tokens', ledger?.inputTokens),
    outputTokens: pick(options.outputTokens, '--output-tokens', ledger?.outputTokens),
    // The cached share is only known from a ledger; flags describe uncached traffic.
    cachedInputTokens: options.inputTokens === undefined && ledger !== undefined ? ledger.cachedInputTokens : 0,
  };

  const gateway = buildGateway(loaded.config);
  try {
    const profiles = gateway.listModels().flatMap((entry) => (entry.kind === 'deployment' && entry.profile !== undefined ? [entry.profile] : []));
    checkPolicyName(gateway, options.policy);
    const decision = gateway.route(representativeRequest(traffic, task), options.policy === undefined ? {} : { policy: options.policy });
    const month = (profile: ModelProfile): number => monthlyCostUsd(profile, { ...traffic, days: DAYS_PER_MONTH });
    const byId = new Map(profiles.map((profile) => [profile.id, profile]));
    const chosen = decision.candidates[0];
    const chosenProfile = chosen === undefined ? undefined : byId.get(chosen.deploymentId);
    const report: EstimateReport = {
      days: DAYS_PER_MONTH,
      traffic,
      basis: ledger === undefined ? 'flags' : 'ledger',
      deployments: profiles.map((profile) => describeDeployment(profile, decision, monthlyCostUsd(profile, { ...traffic, requestsPerDay: 1, days: 1 }), month(profile))),
      policy: {
        name: decision.policy,
        task,
        routedInputTokens: decision.profile.inputTokens,
        reasons: decision.reasons,
        ...(chosen === undefined || chosenProfile === undefined ? {} : { deploymentId: chosen.deploymentId, monthlyUsd: month(chosenProfile) }),
      },
    };
    if (ledger !== undefined) {
      const known = ledger.deployments.filter((d) => byId.has(d.deploymentId));
      const share = known.reduce((sum, d) => sum + d.share, 0);
      // Re-weighted over the deployments this config still has, so that a removed model does not count as free.
      if (share > 0) ledger.observedMonthlyUsd = known.reduce((sum, d) => sum + (d.share / share) * month(byId.get(d.deploymentId)!), 0);
      report.ledger = ledger;
    }
    return report;
  } finally {
    await gateway.close();
  }
}

/**
 * A request of about `inputTokens` tokens (one common word per token) that asks for exactly
 * `outputTokens`: its size is what the router needs to check windows and price it; its task
 * is given, since filler text has none.
 */
function representativeRequest(traffic: { inputTokens: number; outputTokens: number }, task: TaskType): ChatRequest {
  const words = Math.max(1, Math.round(traffic.inputTokens));
  return {
    model: 'auto',
    messages: [{ role: 'user', content: 'word '.repeat(words).trimEnd() }],
    maxOutputTokens: Math.max(1, Math.round(traffic.outputTokens)),
    routing: { task },
  };
}

function describeDeployment(profile: ModelProfile, decision: Decision, perRequestUsd: number, monthlyUsd: number): EstimateReport['deployments'][number] {
  const entry: EstimateReport['deployments'][number] = { deploymentId: profile.id, simulated: profile.simulated, perRequestUsd, monthlyUsd };
  const rank = decision.candidates.findIndex((c) => c.deploymentId === profile.id);
  if (rank >= 0) entry.rank = rank + 1;
  const excluded = decision.excluded.find((e) => e.deploymentId === profile.id);
  if (excluded !== undefined) entry.excluded = `${excluded.reason}: ${excluded.detail}`;
  return entry;
}

export function renderEstimate(report: EstimateReport): string {
  const t = report.traffic;
  const cached = t.cachedInputTokens > 0 ? ` (${round(t.cachedInputTokens)} cached)` : '';
  const lines = [
    `Traffic: ${round(t.requestsPerDay)} requests/day x ${report.days} days, ${round(t.inputTokens)} input${cached} + ${round(t.outputTokens)} output tokens per request${report.basis === 'ledger' ? ' (from the ledger)' : ''}`,
    '',
    formatTable(
      ['DEPLOYMENT', 'KIND', 'PER REQUEST', 'PER DAY', `PER MONTH (${report.days} d)`, `POLICY ${report.policy.name.toUpperCase()}`],
      report.deployments.map((d) => [
        d.deploymentId,
        d.simulated ? 'simulated' : 'live',
        formatUsd(d.perRequestUsd),
        formatUsd(d.monthlyUsd / report.days),
        formatUsd(d.monthlyUsd),
        d.excluded !== undefined ? `excluded (${d.excluded.split(':')[0]})` : d.rank === undefined ? '-' : d.rank === 1 ? 'chosen' : `rank ${d.rank}`,
      ]),
    ),
    '',
  ];
  const p = report.policy;
  if (p.deploymentId === undefined || p.monthlyUsd === undefined) {
    lines.push(`Under policy ${p.name}: no deployment can serve a request of this size.`);
  } else {
    lines.push(
      `Under policy ${p.name}: ${formatUsd(p.monthlyUsd)} per month.`,
      `  A representative ${p.task} request (${p.routedInputTokens} input tokens as counted, ${round(t.outputTokens)} output) was routed without calling any model;`,
      `  it goes to ${p.deploymentId}, and every request of this shape would, so the whole traffic is priced there.`,
    );
  }
  const l = report.ledger;
  if (l !== undefined) {
    lines.push('', `Ledger ${l.dataDir}: ${l.requests} requests over ${l.activeDays} active day(s); attempts by deployment: ${l.deployments.map((d) => `${d.deploymentId} ${(d.share * 100).toFixed(1)}%`).join(', ') || 'none'}.`);
    if (l.observedMonthlyUsd !== undefined) lines.push(`  At the observed deployment mix: ${formatUsd(l.observedMonthlyUsd)} per month.`);
  }
  return lines.join('\n');
}

function round(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}
