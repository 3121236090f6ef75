import type { Command } from 'commander';
import { GatewayError } from '../../errors/gateway-error.js';
import { renderTable } from '../../telemetry/render-table.js';
import type { StatsReport } from '../../telemetry/rolling-stats.js';
import type { StatsSummary } from '../../telemetry/stats-summary.js';

export interface AdminClientOptions {
  url?: string;
  adminKey?: string;
}

/**
 * GETs a JSON admin endpoint of a running gateway. The URL defaults to `$SWITCHYARD_URL` or the
 * default listen address; the key to `$SWITCHYARD_ADMIN_KEY`.
 */
export async function getAdminJson<T>(options: AdminClientOptions, path: string): Promise<T> {
  const base = (options.url ?? process.env.SWITCHYARD_URL ?? 'http://127.0.0.1:4000').replace(/\/+$/, '');
  const key = options.adminKey ?? process.env.SWITCHYARD_ADMIN_KEY;
  let response: Response;
  try {
    response = await fetch(`${base}${path}`, { headers: key === undefined ? {} : { authorization: `Bearer ${key}` } });
  } catch (error) {
    throw new GatewayError('unavailable', `Cannot reach the gateway at ${base}: ${(error as Error).message}`, { cause: error });
  }
  const text = await response.text();
  if (!response.ok) {
    let message = text;
    try {
      message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text;
    } catch {
      // Not JSON: show the body as it came.
    }
    const hint = response.status === 401 ? ' (pass --admin-key or set SWITCHYARD_ADMIN_KEY)' : '';
    throw new GatewayError(response.status === 401 ? 'unauthorized' : 'invalid_request', `${base}${path}: HTTP ${response.status}: ${message}${hint}`);
  }
  return JSON.parse(text) as T;
}

const ms = (value: number | undefined): string => (value === undefined ? '-' : value < 1000 ? `${Math.round(value)}ms` : `${(value / 1000).toFixed(2)}s`);
const pct = (value: number): string => `${(value * 100).toFixed(1)}%`;
export const usd = (value: number): string => (value === 0 ? '$0' : value >= 1 ? `$${value.toFixed(2)}` : `$${value.toFixed(value >= 0.01 ? 4 : 6)}`);

function classes(summary: StatsSummary): string {
  const entries = Object.entries(summary.errorRateByClass).sort((a, b) => b[1] - a[1]);
  return entries.length === 0 ? '-' : entries.map(([name, rate]) => `${name} ${pct(rate)}`).join(', ');
}

/** The performance report as text: one row per deployment and one for the whole gateway. */
export function formatStatsReport(report: StatsReport & { sinceStart?: { gateway: StatsSummary } }, options: { colour?: boolean; window: string }): string {
  const row = (name: string, s: StatsSummary): string[] => [
    name,
    String(s.requests),
    pct(s.errorRate),
    classes(s),
    ms(s.latencyMs.p50),
    ms(s.latencyMs.p95),
    ms(s.latencyMs.p99),
    ms(s.ttftMs.p50),
    ms(s.ttftMs.p95),
    s.outputTokensPerSecond === undefined ? '-' : s.outputTokensPerSecond.toFixed(1),
    usd(s.costUsd.average),
    usd(s.costUsd.total),
  ];
  const right = { align: 'right' as const };
  const table = renderTable(
    [
      { header: 'deployment' },
      { header: 'calls', ...right },
      { header: 'errors', ...right },
      { header: 'by class' },
      { header: 'p50', ...right },
      { header: 'p95', ...right },
      { header: 'p99', ...right },
      { header: 'ttft p50', ...right },
      { header: 'ttft p95', ...right },
      { header: 'tok/s', ...right },
      { header: 'avg cost', ...right },
      { header: 'total cost', ...right },
    ],
    [...report.deployments.map((d) => row(d.deploymentId, d)), row('(gateway)', report.gateway)],
    { colour: options.colour === true },
  );
  const lines = [`Performance over ${options.window} (${new Date(report.from).toISOString()} to ${new Date(report.to).toISOString()})`, '', table];
  if (report.sinceStart !== undefined) {
    const g = report.sinceStart.gateway;
    lines.push('', `Since start: ${g.requests} requests, ${pct(g.errorRate)} errors, ${usd(g.costUsd.total)} spent.`);
  }
  lines.push('', 'Per deployment, calls are upstream attempts; the gateway row counts client requests. Latency is of successful calls.');
  return lines.join('\n');
}

interface ReportOptions extends AdminClientOptions {
  window: string;
  json?: boolean;
}

export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description("Print a running gateway's per-deployment performance: requests, error rates, latency and TTFT percentiles, tokens per second, cost")
    .option('--url <url>', 'gateway base URL (default: $SWITCHYARD_URL or http://127.0.0.1:4000)')
    .option('--admin-key <key>', 'admin key (default: $SWITCHYARD_ADMIN_KEY)')
    .option('-w, --window <window>', 'sliding window: 30s, 5m, 1h, 24h, or "all" since start', '1h')
    .option('--json', 'print the raw JSON report')
    .action(async (options: ReportOptions) => {
      const report = await getAdminJson<StatsReport & { sinceStart?: { gateway: StatsSummary } }>(options, `/admin/stats?window=${encodeURIComponent(options.window)}`);
      if (options.json === true) console.log(JSON.stringify(report, null, 2));
      else console.log(formatStatsReport(report, { colour: process.stdout.isTTY === true && process.env.NO_COLOR === undefined, window: options.window }));
    });
}
