import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { defaultReplayPolicies } from '../../eval/default-replay-policies.js';
import { evaluateRouting } from '../../eval/evaluate-routing.js';
import { formatRoutingTable } from '../../eval/format-routing-table.js';
import { renderCurvesSvg } from '../../eval/render-curves-svg.js';
import { loadRoutingDataset, restrictModels } from '../../eval/routing-dataset.js';
import { GatewayError } from '../../errors/index.js';

interface EvalRoutingOptions {
  data: string;
  train?: string;
  models?: string;
  folds: string;
  out?: string;
  json?: boolean;
}

export function registerEvalCommand(program: Command): void {
  const evalCommand = program.command('eval').description('Evaluate routing on recorded outcomes');
  evalCommand
    .command('routing')
    .description('Replay routing policies over a JSONL file of prompts with every model\'s score and cost, without calling any model')
    .requiredOption('--data <file>', 'JSONL file to evaluate on: {"id","task","prompt","outcomes":{"<model>":{"score","cost"}}} per line')
    .option('--train <file>', 'fit the policies on this file instead of cross-validating on --data')
    .option('--models <list>', 'comma-separated models to route between (default: every model with an outcome on every prompt)')
    .option('--folds <k>', 'folds of cross-validation when --train is absent', '5')
    .option('--out <dir>', 'write results.json and curves.svg into this folder')
    .option('--json', 'print one JSON object instead of the table')
    .action(async (options: EvalRoutingOptions) => {
      const folds = Number(options.folds);
      if (!Number.isInteger(folds) || folds < 2) throw new GatewayError('invalid_request', `--folds must be an integer of at least 2, got ${options.folds}`);
      let data = await loadRoutingDataset(options.data);
      let train = options.train === undefined ? undefined : await loadRoutingDataset(options.train);
      const requested = options.models?.split(',').map((m) => m.trim()).filter((m) => m.length > 0);
      if (requested && requested.length > 0) {
        data = restrictModels(data, requested);
        if (train) train = restrictModels(train, requested);
      } else if (train) {
        const inBoth = data.models.filter((m) => train?.models.includes(m));
        data = restrictModels(data, inBoth);
        train = restrictModels(train, inBoth);
      }
      if (data.models.length === 0) throw new GatewayError('invalid_request', 'no model has an outcome on every prompt');
      const evaluation = evaluateRouting({
        policies: defaultReplayPolicies(data.models),
        models: data.models,
        examples: data.examples,
        ...(train ? { train: train.examples } : { folds }),
        onProgress: (done, total) => {
          if (!options.json && process.stderr.isTTY) process.stderr.write(`\rfitting: ${done}/${total}${done === total ? '\n' : ''}`);
        },
      });
      const json = {
        reference: evaluation.reference,
        protocol: evaluation.protocol,
        examples: evaluation.examples,
        models: evaluation.models,
        policies: evaluation.policies,
      };
      if (options.out) {
        await mkdir(options.out, { recursive: true });
        await writeFile(join(options.out, 'results.json'), `${JSON.stringify(json, null, 2)}\n`);
        await writeFile(join(options.out, 'curves.svg'), renderCurvesSvg(evaluation));
      }
      if (options.json) console.log(JSON.stringify(json));
      else {
        console.log(formatRoutingTable(evaluation));
        if (options.out) console.log(`\nwrote ${join(options.out, 'results.json')} and ${join(options.out, 'curves.svg')}`);
      }
    });
}
