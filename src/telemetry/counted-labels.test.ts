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
});
