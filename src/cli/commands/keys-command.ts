import type { Command } from 'commander';
import { callAdmin, DEFAULT_GATEWAY_URL, type AdminConnectionOptions } from '../admin-client.js';
import { formatTable } from '../format-table.js';
import type { AdminKeyView as KeyView } from '../../spec/admin-key-view.js';

interface CreateOptions extends AdminConnectionOptions {
  owner: string;
  name?: string;
  team?: string;
  models?: string;
  rpm?: string;
  tpm?: string;
  expires?: string;
  meta?: string[];
  json?: boolean;
}

const list = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} must be a positive whole number, not '${value}'.`);
  return n;
}

function limitsOf(view: KeyView): string {
  const parts: string[] = [];
  if (view.rate_limits?.rpm !== undefined) parts.push(`${view.rate_limits.rpm} rpm`);
  if (view.rate_limits?.tpm !== undefined) parts.push(`${view.rate_limits.tpm} tpm`);
  return parts.join(', ') || '-';
}

/** `switchyard keys create|list|revoke` against a running gateway's admin API. */
export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description('Create, list and revoke virtual API keys (admin API; SWITCHYARD_ADMIN_KEY)');
  const url = ['--url <url>', `gateway URL (default: $SWITCHYARD_URL or ${DEFAULT_GATEWAY_URL})`] as const;

  keys
    .command('create')
    .description('Create a key; its secret is printed once and never again')
    .requiredOption('--owner <owner>', 'who the key belongs to')
    .option('--name <name>', 'a label')
    .option('--team <team>', 'the team its spend counts under')
    .option('--models <list>', 'comma-separated deployments, aliases or policies it may use (default: all)')
    .option('--rpm <n>', 'requests per minute')
    .option('--tpm <n>', 'tokens per minute')
    .option('--expires <time>', 'expiry, ISO 8601 or Unix seconds')
    .option('--meta <key=value...>', 'metadata pairs')
    .option('--json', 'print the JSON answer')
    .option(...url)
    .action(async (options: CreateOptions) => {
      const body: Record<string, unknown> = { owner: options.owner };
      if (options.name !== undefined) body.name = options.name;
      if (options.team !== undefined) body.team = options.team;
      if (options.models !== undefined) body.allowed_models = list(options.models);
      const rateLimits: Record<string, number> = {};
      if (options.rpm !== undefined) rateLimits.rpm = positiveInt(options.rpm, '--rpm');
      if (options.tpm !== undefined) rateLimits.tpm = positiveInt(options.tpm, '--tpm');
      if (Object.keys(rateLimits).length > 0) body.rate_limits = rateLimits;
      if (options.expires !== undefined) body.expires_at = /^\d+$/.test(options.expires) ? Number(options.expires) : options.expires;
      if (options.meta !== undefined) {
        body.metadata = Object.fromEntries(
          options.meta.map((pair) => {
            const eq = pair.indexOf('=');
            if (eq <= 0) throw new Error(`--meta takes key=value pairs, not '${pair}'.`);
            return [pair.slice(0, eq), pair.slice(eq + 1)];
          }),
        );
      }
      const created = (await callAdmin(options, '/admin/keys', { method: 'POST', body })) as KeyView & { key: string };
      if (options.json === true) {
        console.log(JSON.stringify(created, null, 2));
        return;
      }
      console.log(`Created key ${created.id} for ${created.owner}${created.team ? ` (team ${created.team})` : ''}.`);
      console.log(`Secret (shown once, store it now): ${created.key}`);
    });

  keys
    .command('list')
    .description('List keys (never their secrets)')
    .option('--owner <owner>', 'only this owner')
    .option('--team <team>', 'only this team')
    .option('--all', 'include revoked keys')
    .option('--json', 'print the JSON answer')
    .option(...url)
    .action(async (options: AdminConnectionOptions & { owner?: string; team?: string; all?: boolean; json?: boolean }) => {
      const query = new URLSearchParams();
      if (options.owner !== undefined) query.set('owner', options.owner);
      if (options.team !== undefined) query.set('team', options.team);
      if (options.all === true) query.set('include_revoked', 'true');
      const answer = (await callAdmin(options, `/admin/keys${query.size > 0 ? `?${query}` : ''}`)) as { data: KeyView[] };
      if (options.json === true) {
        console.log(JSON.stringify(answer, null, 2));
        return;
      }
      const rows = answer.data.map((k) => [k.id, `${k.prefix}…`, k.owner, k.team ?? '-', k.status, k.allowed_models?.join(',') ?? 'all', limitsOf(k), k.expires_at ?? '-']);
      console.log(formatTable(['ID', 'KEY', 'OWNER', 'TEAM', 'STATUS', 'MODELS', 'LIMITS', 'EXPIRES'], rows));
    });

  keys
    .command('revoke')
    .description('Revoke a key; it stops working at once')
    .argument('<id>', 'the key id (from keys list)')
    .option(...url)
    .action(async (id: string, options: AdminConnectionOptions) => {
      const revoked = (await callAdmin(options, `/admin/keys/${encodeURIComponent(id)}`, { method: 'DELETE' })) as KeyView;
      console.log(`Revoked key ${revoked.id} (${revoked.prefix}…, owner ${revoked.owner}).`);
    });
}
