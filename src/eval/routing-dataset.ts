import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { GatewayError } from '../errors/index.js';

/** One prompt of a routing data set, with the recorded outcome of every model on it. */
export interface RoutingExample {
  id: string;
  task: string;
  prompt: string;
  /** Per model: score in [0, 1] (1 = answered well) and what the answer cost in USD. */
  outcomes: Record<string, { score: number; cost: number }>;
}

export interface RoutingDataset {
  examples: RoutingExample[];
  /** Models with an outcome on every example, sorted by name. */
  models: string[];
  tasks: string[];
}

// Lenient on extra fields (a data set may carry responses or metadata), strict on what we use.
const LINE = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  task: z.string().min(1),
  prompt: z.string(),
  outcomes: z.record(z.string(), z.object({ score: z.number().min(0).max(1), cost: z.number().min(0) })),
});

/** Parses JSONL text in the RouterBench outcome format; throws `invalid_request` naming the line. */
export function parseRoutingDataset(text: string, source = 'data'): RoutingDataset {
  const examples: RoutingExample[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]?.trim();
    if (!line) continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (cause) {
      throw new GatewayError('invalid_request', `${source}:${i + 1}: not valid JSON`, { cause });
    }
    const parsed = LINE.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new GatewayError('invalid_request', `${source}:${i + 1}: ${issue?.path.join('.') || 'line'}: ${issue?.message ?? 'invalid'}`);
    }
    examples.push(parsed.data);
  }
  if (examples.length === 0) throw new GatewayError('invalid_request', `${source}: no examples`);
  return { examples, models: commonModels(examples), tasks: [...new Set(examples.map((e) => e.task))].sort() };
}

export async function loadRoutingDataset(path: string): Promise<RoutingDataset> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new GatewayError('invalid_request', `cannot read ${path}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  return parseRoutingDataset(text, path);
}

/** Keeps only the named models in every example (and checks each is present everywhere). */
export function restrictModels(dataset: RoutingDataset, models: readonly string[]): RoutingDataset {
  for (const m of models) {
    if (!dataset.models.includes(m)) {
      throw new GatewayError('invalid_request', `model ${m} has no outcome on every example; known: ${dataset.models.join(', ')}`);
    }
  }
  const keep = [...new Set(models)].sort();
  return {
    examples: dataset.examples.map((e) => ({ ...e, outcomes: Object.fromEntries(keep.map((m) => [m, e.outcomes[m] ?? { score: 0, cost: 0 }])) })),
    models: keep,
    tasks: dataset.tasks,
  };
}

/** Models that have an outcome on every example: the only ones a replay can compare fairly. */
function commonModels(examples: readonly RoutingExample[]): string[] {
  const first = examples[0];
  if (!first) return [];
  return Object.keys(first.outcomes)
    .filter((m) => examples.every((e) => e.outcomes[m] !== undefined))
    .sort();
}
