import type { Command } from 'commander';
import { callAdmin, DEFAULT_GATEWAY_URL, type AdminConnectionOptions } from '../admin-client.js';
import { formatTable } from '../format-table.js';

interface BudgetView {
  id: string;
  scope: string;
  scope_id: string;
  period: string;
  limit_usd: number;
  alert_thresholds: number[] | null;
  resets_at: string | null;
  spent_usd: number;
  reserved_usd: number;
  remaining_usd: number;
  remaining_share: number;
}

const usd = (value: number): string => `$${value.toFixed(value !== 0 && Math.abs(value) < 0.01 ? 6 : 2)}`;

/** `switchyard budgets set|list` against a running gateway's admin API. */
export function registerBudgetsCommand(program: Command): void {
  const budgets = program.command('budgets').description('Set and read budgets (admin API; SWITCHYARD_ADMIN_KEY)');
  const url = ['--url <url>', `gateway URL (default: $SWITCHYARD_URL or ${DEFAULT_GATEWAY_URL})`] as const;

  budgets
    .command('set')
    .description('Set the budget of the gateway, a team or a key for one period')
    .requiredOption('--scope <scope>', 'global, team or key')
    .option('--id <id>', 'team name or key id (not for global)')
    .requiredOption('--period <period>', 'day, week, month or total')
    .requiredOption('--limit <usd>', 'limit in US dollars')
    .option('--thresholds <list>', 'alert thresholds as shares, e.g. 0.5,0.8,1')
    .option(...url)
    .action(async (options: AdminConnectionOptions & { scope: string; id?: string; period: string; limit: string; thresholds?: string }) => {
      const limit = Number(options.limit);
      if (!Number.isFinite(limit) || limit < 0) throw new Error(`--limit must be an amount in dollars, not '${options.limit}'.`);
      const body: Record<string, unknown> = { scope: options.scope, period: options.period, limit_usd: limit };
      if (options.id !== undefined) body.scope_id = options.id;
      if (options.thresholds !== undefined) body.alert_thresholds = options.thresholds.split(',').map((s) => Number(s.trim()));
      const set = (await callAdmin(options, '/admin/budgets', { method: 'PUT', body })) as BudgetView;
      console.log(`Budget ${set.id}: ${usd(set.limit_usd)} per ${set.period}; spent ${usd(set.spent_usd)}, ${usd(set.remaining_usd)} left.`);
    });

  budgets
    .command('list')
    .description('Budgets with their spend in the current period')
    .option('--scope <scope>', 'global, team or key')
    .option('--id <id>', 'team name or key id')
    .option('--json', 'print the JSON answer')
    .option(...url)
    .action(async (options: AdminConnectionOptions & { scope?: string; id?: string; json?: boolean }) => {
      const query = new URLSearchParams();
      if (options.scope !== undefined) query.set('scope', options.scope);
      if (options.id !== undefined) query.set('scope_id', options.id);
      const answer = (await callAdmin(options, `/admin/budgets${query.size > 0 ? `?${query}` : ''}`)) as { data: BudgetView[] };
      if (options.json === true) {
        console.log(JSON.stringify(answer, null, 2));
        return;
      }
      const rows = answer.data.map((b) => [
        b.scope, b.scope_id, b.period, usd(b.limit_usd), usd(b.spent_usd), usd(b.reserved_usd), usd(b.remaining_usd),
        `${(b.remaining_share * 100).toFixed(1)}%`, b.resets_at ?? 'never',
      ]);
      console.log(formatTable(['SCOPE', 'ID', 'PERIOD', 'LIMIT', 'SPENT', 'RESERVED', 'LEFT', 'LEFT %', 'RESETS'], rows));
    });
}
