import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { CountedLabels } from './counted-labels.js';

describe('CountedLabels', () => {
  it('hands its counts to the counter at each collection, once', async () => {
    const registry = new Registry();
    const counted = new CountedLabels({ name: 'x_total', help: 'x', labelNames: ['a', 'b'], registers: [registry] });
    counted.inc(['p', 'q']);
    counted.inc(['p', 'q'], 4);
    counted.inc(['p', 'r']);
    expect(await registry.metrics()).toContain('x_total{a="p",b="q"} 5\nx_total{a="p",b="r"} 1');
    // A second collection adds only what was counted since the first.
    counted.inc(['p', 'r'], 2);
    expect((await counted.counter.get()).values.map((v) => [v.labels, v.value])).toEqual([
      [{ a: 'p', b: 'q' }, 5],
      [{ a: 'p', b: 'r' }, 3],
    ]);
    expect(await registry.metrics()).toContain('x_total{a="p",b="q"} 5\nx_total{a="p",b="r"} 3');
  });

  it('keeps one series per combination of values, in the order of their first increment', async () => {
    const registry = new Registry();
    const counted = new CountedLabels({ name: 'y_total', help: 'y', labelNames: ['deployment', 'role', 'outcome'], registers: [registry] });
    counted.inc(['b/y', 'first', 'ok']);
    counted.inc(['a/x', 'first', 'ok'], 2);
    counted.inc(['b/y', 'retry', 'ok']);
    counted.inc(['b/y', 'first', 'timeout']);
    counted.inc(['b/y', 'first', 'ok'], 3);
    // Values that would run together if the combination were one joined string.
    counted.inc(['a', 'b\u0000c', 'd']);
    counted.inc(['a\u0000b', 'c', 'd']);
    expect((await counted.counter.get()).values.map((v) => [Object.values(v.labels).join('|'), v.value])).toEqual([
      ['b/y|first|ok', 4],
      ['a/x|first|ok', 2],
      ['b/y|retry|ok', 1],
      ['b/y|first|timeout', 1],
      ['a|b\u0000c|d', 1],
      ['a\u0000b|c|d', 1],
    ]);
  });
});
