import { describe, expect, it } from 'vitest';
import { parseRoutingDataset, restrictModels } from '../../src/eval/routing-dataset.js';
import { GatewayError } from '../../src/errors/index.js';

const line = (id: string, outcomes: Record<string, { score: number; cost: number }>, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ id, task: 't', prompt: `prompt ${id}`, outcomes, ...extra });

describe('parseRoutingDataset', () => {
  it('reads any set of models and keeps those present on every line', () => {
    const text = [
      line('1', { x: { score: 1, cost: 0.1 }, y: { score: 0, cost: 0.01 }, z: { score: 1, cost: 1 } }, { response: 'ignored' }),
      '',
      line('2', { x: { score: 0.5, cost: 0.2 }, y: { score: 1, cost: 0.02 } }),
    ].join('\n');
    const data = parseRoutingDataset(text);
    expect(data.examples).toHaveLength(2);
    expect(data.models).toEqual(['x', 'y']);
    expect(data.tasks).toEqual(['t']);
    expect(restrictModels(data, ['y']).examples[0]?.outcomes).toEqual({ y: { score: 0, cost: 0.01 } });
    expect(() => restrictModels(data, ['z'])).toThrow(/model z has no outcome on every example/);
  });

  it('names the line and field of bad input', () => {
    expect(() => parseRoutingDataset(`${line('1', { x: { score: 1, cost: 0 } })}\n{oops`, 'f.jsonl')).toThrow(/f\.jsonl:2: not valid JSON/);
    const bad = parseRoutingDataset.bind(null, line('1', { x: { score: 2, cost: 0 } }), 'f.jsonl');
    expect(bad).toThrow(GatewayError);
    expect(bad).toThrow(/f\.jsonl:1: outcomes\.x\.score/);
    expect(() => parseRoutingDataset('\n\n')).toThrow(/no examples/);
  });
});
