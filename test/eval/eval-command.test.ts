import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerEvalCommand } from '../../src/cli/commands/eval-command.js';
import { registerTrainRouterCommand } from '../../src/cli/commands/train-router-command.js';
import { LearnedQualityModel } from '../../src/routing/learned/learned-quality-model.js';
import { syntheticRoutingData, toJsonl } from './synthetic-routing-data.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchyard-eval-'));
  await writeFile(join(dir, 'data.jsonl'), toJsonl(syntheticRoutingData(60, 3)));
  await writeFile(join(dir, 'train.jsonl'), toJsonl(syntheticRoutingData(60, 4)));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  registerEvalCommand(program);
  registerTrainRouterCommand(program);
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => {
    lines.push(parts.map(String).join(' '));
  });
  try {
    await program.parseAsync(['node', 'switchyard', ...args]);
  } finally {
    log.mockRestore();
  }
  return lines.join('\n');
}

describe('switchyard eval routing', () => {
  it('prints one JSON object in the documented shape and writes results and curves', async () => {
    const out = join(dir, 'out');
    const printed = await run(['eval', 'routing', '--data', join(dir, 'data.jsonl'), '--train', join(dir, 'train.jsonl'), '--models', 'small,large', '--json', '--out', out]);
    const json = JSON.parse(printed) as { reference: string; policies: { name: string; curve: unknown[] }[] };
    expect(json.reference).toBe('large');
    expect(json.policies.map((p) => p.name)).toEqual(
      expect.arrayContaining(['oracle', 'task-baseline', 'seed-keywords', 'scoring', 'learned', 'small', 'large']),
    );
    expect(json.policies.map((p) => p.name)).not.toContain('medium');
    const saved = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as typeof json;
    expect(saved.policies).toEqual(json.policies);
    const svg = await readFile(join(out, 'curves.svg'), 'utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('task-baseline');
    expect(svg.trim().endsWith('</svg>')).toBe(true);
  });

  it('cross-validates by default and prints a table', async () => {
    const printed = await run(['eval', 'routing', '--data', join(dir, 'data.jsonl'), '--folds', '3']);
    expect(printed).toMatch(/3-fold cross-validation; reference: large/);
    expect(printed).toMatch(/^learned\s/m);
  });

  it('rejects a model that is not in the data', async () => {
    await expect(run(['eval', 'routing', '--data', join(dir, 'data.jsonl'), '--models', 'small,nope'])).rejects.toThrow(/model nope/);
  });
});

describe('switchyard train-router', () => {
  it('writes weights that load', async () => {
    const out = join(dir, 'weights.json');
    const printed = await run(['train-router', '--data', join(dir, 'train.jsonl'), '--out', out]);
    expect(printed).toMatch(/trained on 60 prompts, 3 models/);
    const model = new LearnedQualityModel(JSON.parse(await readFile(out, 'utf8')));
    expect(model.modelNames.sort()).toEqual(['large', 'medium', 'small']);
  });
});
