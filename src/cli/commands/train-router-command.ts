import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { loadRoutingDataset } from '../../eval/routing-dataset.js';
import { trainLearnedRouter } from '../../eval/train-learned-router.js';

const SHIPPED_WEIGHTS = 'src/routing/learned/quality-model-weights.json';

export function registerTrainRouterCommand(program: Command): void {
  program
    .command('train-router')
    .description('Train the learned quality model on recorded routing outcomes and write its weights JSON')
    .requiredOption('--data <file>', 'JSONL file: {"id","task","prompt","outcomes":{"<model>":{"score","cost"}}} per line')
    .option('--out <file>', 'where to write the weights (the shipped file when run from the project root)', SHIPPED_WEIGHTS)
    .action(async (options: { data: string; out: string }) => {
      const dataset = await loadRoutingDataset(options.data);
      const started = performance.now();
      const weights = trainLearnedRouter(dataset, options.data);
      const text = `${JSON.stringify(weights)}\n`;
      await mkdir(dirname(options.out), { recursive: true });
      await writeFile(options.out, text);
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.log(`trained on ${dataset.examples.length} prompts, ${dataset.models.length} models, tasks ${dataset.tasks.join(', ')} in ${seconds} s`);
      console.log(`wrote ${options.out} (${(text.length / 1024).toFixed(0)} KiB)`);
    });
}
