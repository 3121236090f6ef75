import type { Command } from 'commander';
import type { ModelProfile } from '../../spec/model-profile.js';
import { formatTable } from '../format-table.js';
import { withCliGateway } from '../open-cli-gateway.js';

/** `switchyard models`: every deployment's profile as a table (or JSON). */
export function registerModelsCommand(program: Command): void {
  program
    .command('models')
    .description('List the deployments the config (or the defaults) gives: prices, windows, capabilities, quality')
    .option('-c, --config <path>', 'config file (default: $SWITCHYARD_CONFIG or ./switchyard.yaml)')
    .option('--json', 'print the profiles as JSON')
    .action(async (options: { config?: string; json?: boolean }) => {
      const profiles = await withCliGateway(options.config, (gateway) =>
        gateway.listModels().flatMap((entry) => (entry.kind === 'deployment' && entry.profile !== undefined ? [entry.profile] : [])),
      );
      console.log(options.json === true ? JSON.stringify(profiles, null, 2) : renderModels(profiles));
    });
}

export function renderModels(profiles: readonly ModelProfile[]): string {
  const rows = profiles.map((p) => [
    p.id,
    p.provider,
    p.simulated ? 'simulated' : 'live',
    price(p.pricing.inputPerMTok),
    price(p.pricing.outputPerMTok),
    price(p.pricing.cachedInputPerMTok),
    tokens(p.contextWindow),
    tokens(p.maxOutputTokens),
    capabilities(p),
    qualitySummary(p),
    `${p.source.pricing}, quality ${p.source.quality}`,
  ]);
  const headers = ['DEPLOYMENT', 'PROVIDER', 'KIND', 'IN $/1M', 'OUT $/1M', 'CACHED $/1M', 'CONTEXT', 'MAX OUT', 'CAPABILITIES', 'QUALITY', 'SOURCE'];
  const live = profiles.filter((p) => !p.simulated).length;
  return `${formatTable(headers, rows)}\n${profiles.length} deployments: ${live} live, ${profiles.length - live} simulated.`;
}

function price(perMTok: number): string {
  return perMTok.toFixed(perMTok < 0.1 && perMTok > 0 ? 3 : 2);
}

function tokens(n: number): string {
  if (n >= 1_000_000 && n % 1_000_000 === 0) return `${n / 1_000_000}M`;
  if (n >= 1000 && n % 1000 === 0) return `${n / 1000}k`;
  // Windows and output caps are often powers of two (8192, 16384): 8k, 16k.
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024}k`;
  return n >= 1000 ? `${(n / 1000).toFixed(1)}k` : String(n);
}

function capabilities(p: ModelProfile): string {
  const c = p.capabilities;
  const names: Array<[boolean, string]> = [[c.tools, 'tools'], [c.vision, 'vision'], [c.json, 'json'], [c.streaming, 'stream'], [c.embeddings, 'embed']];
  return names.filter(([has]) => has).map(([, name]) => name).join(',') || '-';
}

/** The default quality and the model's strongest task, e.g. `0.74 (best coding 0.87)`. */
function qualitySummary(p: ModelProfile): string {
  let bestTask: string | undefined;
  let best = -1;
  for (const [task, value] of Object.entries(p.quality)) {
    if (task === 'default' || value === undefined) continue;
    if (value > best) {
      best = value;
      bestTask = task;
    }
  }
  return bestTask === undefined ? p.quality.default.toFixed(2) : `${p.quality.default.toFixed(2)} (best ${bestTask} ${best.toFixed(2)})`;
}
