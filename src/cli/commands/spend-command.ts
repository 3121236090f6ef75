import type { Command } from 'commander';
import { callAdmin, DEFAULT_GATEWAY_URL, type AdminConnectionOptions } from '../admin-client.js';
import { formatTable } from '../format-table.js';

interface SpendAnswer {
  group_by: string;
  from: string;
  to: string;
  data: Array<{ group: string | null; cost_usd: number; count: number; input_tokens: number; output_tokens: number; cached_input_tokens: number }>;
  total_usd: number;
}

/** `switchyard spend --group-by key|team|deployment|day|hour --from … --to …` from the ledger. */
export function registerSpendCommand(program: Command): void {
  program
    .command('spend')
    .description('Spend from the ledger, grouped (admin API; SWITCHYARD_ADMIN_KEY)')
    .option('--group-by <group>', 'key, team, deployment, day or hour', 'day')
    .option('--from <time>', 'start, ISO 8601 or Unix seconds (default: the gateway decides)')
    .option('--to <time>', 'end, exclusive')
    .option('--key <id>', 'only this key')
    .option('--team <team>', 'only this team')
    .option('--json', 'print the JSON answer')
    .option('--url <url>', `gateway URL (default: $SWITCHYARD_URL or ${DEFAULT_GATEWAY_URL})`)
    .action(async (options: AdminConnectionOptions & { groupBy: string; from?: string; to?: string; key?: string; team?: string; json?: boolean }) => {
      const query = new URLSearchParams({ group_by: options.groupBy });
      if (options.from !== undefined) query.set('from', options.from);
      if (options.to !== undefined) query.set('to', options.to);
      if (options.key !== undefined) query.set('key_id', options.key);
      if (options.team !== undefined) query.set('team', options.team);
      const answer = (await callAdmin(options, `/admin/spend?${query}`)) as SpendAnswer;
      if (options.json === true) {
        console.log(JSON.stringify(answer, null, 2));
        return;
      }
      const rows = answer.data.map((row) => [
        row.group ?? '(none)', `$${row.cost_usd.toFixed(6)}`, String(row.count), String(row.input_tokens), String(row.output_tokens), String(row.cached_input_tokens),
      ]);
      console.log(formatTable([answer.group_by.toUpperCase(), 'COST', 'REQUESTS', 'INPUT', 'OUTPUT', 'CACHED'], rows));
      console.log(`total $${answer.total_usd.toFixed(6)} from ${answer.from} to ${answer.to}`);
    });
}
