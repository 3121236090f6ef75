import { readFile } from 'node:fs/promises';
import { GatewayError } from '../../errors/gateway-error.js';
import { benchSuiteItemSchema, type BenchSuiteItem } from './bench-suite-item.js';

/** Reads a JSONL suite, one item per line; every line is validated and ids must be unique. */
export async function loadBenchSuite(path: string): Promise<BenchSuiteItem[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new GatewayError('invalid_request', `cannot read suite ${path}: ${(error as Error).message}`, { cause: error });
  }
  const items: BenchSuiteItem[] = [];
  const ids = new Set<string>();
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (error) {
      throw new GatewayError('invalid_request', `${path}:${index + 1}: not JSON: ${(error as Error).message}`);
    }
    const result = benchSuiteItemSchema.safeParse(parsed);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new GatewayError('invalid_request', `${path}:${index + 1}: ${issue?.path.join('.') || 'item'}: ${issue?.message ?? 'invalid'}`);
    }
    if (ids.has(result.data.id)) throw new GatewayError('invalid_request', `${path}:${index + 1}: duplicate id ${result.data.id}`);
    ids.add(result.data.id);
    items.push(result.data);
  }
  if (items.length === 0) throw new GatewayError('invalid_request', `suite ${path} has no items`);
  return items;
}
