import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { BucketHistogram } from './bucket-histogram.js';

const BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120];

/** The same histogram twice, on registries of their own: prom-client's and ours. */
function pair(labelNames: string[]): { plain: Histogram; ours: BucketHistogram; plainRegistry: Registry; ourRegistry: Registry } {
  const plainRegistry = new Registry();
  const ourRegistry = new Registry();
  const config = { name: 'switchyard_request_duration_seconds', help: 'Whole-request latency per answering deployment.', labelNames, buckets: BUCKETS };
  return { plain: new Histogram({ ...config, registers: [plainRegistry] }), ours: new BucketHistogram({ ...config, registers: [ourRegistry] }), plainRegistry, ourRegistry };
}

describe('BucketHistogram', () => {
  it("exposes the same text and JSON as prom-client's histogram fed the same observations", async () => {
    const { plain, ours, plainRegistry, ourRegistry } = pair(['deployment', 'kind']);
    // Cells are made in one order and first observed in another; one is never observed.
    const labels = [
      ['openai/gpt-4o', 'json'],
      ['local/llama3', 'stream'],
      ['anthropic/claude', 'json'],
    ];
    const cells = labels.map((values) => ours.cell(values));
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const values = [...BUCKETS, 0, 1e-9, 0.049999, 0.3333333, 121, 1e6, ...Array.from({ length: 500 }, () => random() * 10 ** (random() * 5 - 3))];
    values.forEach((value, i) => {
      const index = i % 7 === 3 ? 0 : 1;
      const [deployment, kind] = labels[index] as [string, string];
      plain.labels(deployment, kind).observe(value);
      cells[index]?.observe(value);
    });
    expect(await ourRegistry.metrics()).toBe(await plainRegistry.metrics());
    expect(await ourRegistry.getMetricsAsJSON()).toEqual(await plainRegistry.getMetricsAsJSON());
    expect(await ourRegistry.metrics()).toContain('switchyard_request_duration_seconds_bucket{le="+Inf",deployment="local/llama3",kind="stream"}');
  });

  it('starts from nothing after a reset, with the cells handed out still recording', async () => {
    const { plain, ours, plainRegistry, ourRegistry } = pair(['deployment']);
    const a = ours.cell(['a/x']);
    const b = ours.cell(['b/y']);
    a.observe(0.2);
    b.observe(3);
    plain.labels('a/x').observe(0.2);
    plain.labels('b/y').observe(3);
    ours.reset();
    plain.reset();
    expect(await ourRegistry.metrics()).toBe(await plainRegistry.metrics());
    b.observe(0.07);
    plain.labels('b/y').observe(0.07);
    expect(await ourRegistry.metrics()).toBe(await plainRegistry.metrics());
    expect(ours.cell(['b/y'])).toBe(b);
  });

  it('refuses a value that is not a finite number, as prom-client does', () => {
    const { plain, ours } = pair(['deployment']);
    expect(() => plain.labels('a/x').observe(Number.NaN)).toThrow(TypeError);
    expect(() => ours.cell(['a/x']).observe(Number.NaN)).toThrow(TypeError);
    expect(() => ours.cell(['a/x']).observe(Number.POSITIVE_INFINITY)).toThrow(TypeError);
  });
});
