import { Counter, Registry } from 'prom-client';
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

  it("counts fractional amounts to the same bits as prom-client's counter, collection after collection", async () => {
    const plainRegistry = new Registry();
    const ourRegistry = new Registry();
    const config = { name: 'switchyard_cost_usd_total', help: 'Spend in USD by deployment.', labelNames: ['deployment'] };
    const plain = new Counter({ ...config, registers: [plainRegistry] });
    const counted = new CountedLabels({ ...config, registers: [ourRegistry] });
    let seed = 11;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let round = 0; round < 3; round += 1) {
      for (let i = 0; i < 400; i += 1) {
        const deployment = i % 3 === 0 ? 'openai/gpt-4o' : 'local/llama3';
        const cost = random() * 10 ** -(2 + Math.floor(random() * 5));
        plain.labels(deployment).inc(cost);
        counted.inc([deployment], cost);
      }
      expect(await ourRegistry.metrics()).toBe(await plainRegistry.metrics());
    }
    expect(await ourRegistry.metrics()).toContain('switchyard_cost_usd_total{deployment="openai/gpt-4o"} 0.');
  });

  it('refuses a negative or non-finite amount when it is counted, not when it is scraped', async () => {
    const registry = new Registry();
    const counted = new CountedLabels({ name: 'z_total', help: 'z', labelNames: ['a'], registers: [registry] });
    expect(() => counted.inc(['p'], -1)).toThrow(TypeError);
    expect(() => counted.inc(['p'], Number.NaN)).toThrow(TypeError);
    expect(() => counted.inc(['p'], Number.POSITIVE_INFINITY)).toThrow(TypeError);
    counted.inc(['p'], 0.5);
    expect(await registry.metrics()).toContain('z_total{a="p"} 0.5');
  });
});
