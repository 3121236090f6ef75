import { Counter, type CounterConfiguration } from 'prom-client';

interface Cell {
  labels: Record<string, string>;
  pending: number;
}

/**
 * A prom-client counter whose whole-number increments are kept in plain numbers, one per label
 * combination, and handed to the counter when the registry collects it (every scrape and every
 * `get`). prom-client builds and hashes a label object on every `inc`, through `labels(...)` as
 * well (about 0.3 us); here the request path does a map lookup and an addition. Whole numbers
 * add up exactly in any order, so the scraped values are the same as counting each event
 * directly; fractional amounts (cost) must stay on prom-client children. There is one cell per
 * series the counter has, so the label values' own bounds bound this map too.
 */
export class CountedLabels {
  readonly counter: Counter;
  private readonly cells = new Map<string, Cell>();

  constructor(private readonly config: CounterConfiguration<string> & { labelNames: readonly string[] }) {
    const cells = this.cells;
    this.counter = new Counter({
      ...config,
      collect() {
        for (const cell of cells.values()) {
          if (cell.pending === 0) continue;
          this.inc(cell.labels, cell.pending);
          cell.pending = 0;
        }
      },
    });
  }

  /** Counts `by` (a whole number, default 1) for the label values, in `labelNames` order. */
  inc(values: readonly string[], by = 1): void {
    const key = values.length === 1 ? (values[0] as string) : values.join('\u0000');
    let cell = this.cells.get(key);
    if (cell === undefined) {
      const labels: Record<string, string> = {};
      this.config.labelNames.forEach((name, i) => (labels[name] = values[i] as string));
      cell = { labels, pending: 0 };
      this.cells.set(key, cell);
    }
    cell.pending += by;
  }
}
