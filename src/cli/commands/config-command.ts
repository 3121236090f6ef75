import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.js';

export function registerConfigCommand(program: Command): void {
  const config = program.command('config').description('Inspect the configuration');
  config
    .command('check')
    .description('Validate the config file (or the embedded defaults) and print a summary')
    .option('-c, --config <path>', 'config file (default: $SWITCHYARD_CONFIG or ./switchyard.yaml)')
    .action(async (options: { config?: string }) => {
      const loaded = await loadConfig(options.config === undefined ? {} : { path: options.config });
      const { config: parsed } = loaded;
      console.log(`${loaded.path ?? 'embedded defaults'}: valid`);
      console.log(`  providers: ${Object.keys(parsed.providers).length}, deployments: ${parsed.deployments.length}, aliases: ${Object.keys(parsed.aliases).length}, policies: ${Object.keys(parsed.policies).length}`);
      console.log(`  default policy: ${parsed.routing.defaultPolicy}; simulated models: ${parsed.simulated}; keys: ${parsed.keys.enabled ? 'required' : 'off'}`);
    });
}
