import type { Command } from 'commander';
import { GatewayError } from '../../errors/gateway-error.js';
import { renderTable } from '../../telemetry/render-table.js';
import type { AuditSummary } from '../../telemetry/summarize-decisions.js';
import { getAdminJson, usd, type AdminClientOptions } from './report-command.js';

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** An ISO time, epoch ms, or a span back from now such as `24h` or `7d`. */
export function parseAuditTime(text: string, now = Date.now()): number {
  const relative = /^(\d+)([mhd])$/.exec(text.trim());
  if (relative !== null) return now - Number(relative[1]) * UNIT_MS[relative[2]!]!;
  const value = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(value)) throw new GatewayError('invalid_request', `"${text}" is not a time: use ISO 8601, epoch milliseconds, or a span back from now like 24h or 7d`);
  return value;
}

const pct = (value: number): string => `${(value * 100).toFixed(1)}%`;

/** The audit as text: traffic and spend per deployment and per task, first-pick failures, savings. */
export function formatAudit(summary: AuditSummary, options: { colour?: boolean } = {}): string {
  const colour = options.colour === true;
  const from = summary.from === undefined ? 'the oldest kept decision' : new Date(summary.from).toISOString();
  const to = summary.to === undefined ? 'now' : new Date(summary.to).toISOString();
  const lines = [`Routing audit from ${from} to ${to}: ${summary.decisions} decisions, ${usd(summary.costUsd)} spent.`, ''];
  if (summary.decisions === 0) return `${lines[0]}\nNo decisions in this period.`;
  const right = { align: 'right' as const };
  const rows: string[][] = [];
  for (const task of summary.byTask) {
    for (const d of task.deployments) rows.push([task.task, d.deploymentId, String(d.requests), pct(d.share), usd(d.costUsd), pct(d.costShare)]);
  }
  lines.push(
    renderTable(
      [{ header: 'task' }, { header: 'deployment' }, { header: 'requests', ...right }, { header: 'share of task', ...right }, { header: 'spend', ...right }, { header: 'share of spend', ...right }],
      rows,
      { colour },
    ),
    '',
    renderTable(
      [{ header: 'deployment' }, { header: 'requests', ...right }, { header: 'share', ...right }, { header: 'spend', ...right }, { header: 'share of spend', ...right }],
      summary.byDeployment.map((d) => [d.deploymentId, String(d.requests), pct(d.share), usd(d.costUsd), pct(d.costShare)]),
      { colour },
    ),
    '',
    `First pick failed: ${summary.firstPick.failed} of ${summary.decisions} (${pct(summary.firstPick.rate)}).`,
  );
  const s = summary.savings;
  if (s !== undefined) {
    lines.push(
      `Against sending everything to ${s.baselineDeployment} (the dearest deployment used): estimated ${usd(s.baselineCostUsd)}, actual ${usd(s.actualCostUsd)}, saved ${usd(s.savedUsd)} (${pct(s.savedShare)}).`,
    );
  }
  return lines.join('\n');
}

interface AuditOptions extends AdminClientOptions {
  from: string;
  to?: string;
  json?: boolean;
}

export function registerAuditCommand(program: Command): void {
  program
    .command('audit')
    .description('Summarize routing decisions of a period: traffic and spend per deployment and task, first-pick failures, savings against the dearest model')
    .option('--url <url>', 'gateway base URL (default: $SWITCHYARD_URL or http://127.0.0.1:4000)')
    .option('--admin-key <key>', 'admin key (default: $SWITCHYARD_ADMIN_KEY)')
    .option('--from <time>', 'start: ISO 8601, epoch ms, or a span back from now (24h, 7d)', '24h')
    .option('--to <time>', 'end (default: now)')
    .option('--json', 'print the raw JSON summary')
    .action(async (options: AuditOptions) => {
      const params = new URLSearchParams({ from: String(parseAuditTime(options.from)) });
      if (options.to !== undefined) params.set('to', String(parseAuditTime(options.to)));
      const summary = await getAdminJson<AuditSummary>(options, `/admin/decisions/summary?${params}`);
      if (options.json === true) console.log(JSON.stringify(summary, null, 2));
      else console.log(formatAudit(summary, { colour: process.stdout.isTTY === true && process.env.NO_COLOR === undefined }));
    });
}
