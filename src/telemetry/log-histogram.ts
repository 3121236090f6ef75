/** Bins grow by this factor: any reported quantile is within about ±6% of the true sample. */
const GROWTH = 1.12;
const MIN_MS = 1;
/** Past ten minutes everything lands in the last bin. */
const MAX_MS = 600_000;
const LOG_GROWTH = Math.log(GROWTH);
export const LOG_HISTOGRAM_BINS = Math.ceil(Math.log(MAX_MS / MIN_MS) / LOG_GROWTH) + 2;

/**
 * A fixed-size histogram of durations in milliseconds with logarithmic bins: constant memory,
 * O(1) insert, mergeable across time buckets, and percentiles with bounded relative error. Bin 0
 * holds everything under 1 ms.
 */
export class LogHistogram {
  readonly counts = new Uint32Array(LOG_HISTOGRAM_BINS);
  count = 0;

  add(ms: number): void {
    this.counts[binOf(ms)]! += 1;
    this.count += 1;
  }

  merge(other: LogHistogram): void {
    if (other.count === 0) return;
    for (let i = 0; i < LOG_HISTOGRAM_BINS; i++) this.counts[i]! += other.counts[i]!;
    this.count += other.count;
  }

  /** The q-quantile (0..1) in ms, as the geometric middle of its bin; undefined when empty. */
  quantile(q: number): number | undefined {
    if (this.count === 0) return undefined;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < LOG_HISTOGRAM_BINS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return representative(i);
    }
    return representative(LOG_HISTOGRAM_BINS - 1);
  }
}

function binOf(ms: number): number {
  if (!(ms >= MIN_MS)) return 0;
  const bin = 1 + Math.floor(Math.log(ms / MIN_MS) / LOG_GROWTH);
  return Math.min(bin, LOG_HISTOGRAM_BINS - 1);
}

function representative(bin: number): number {
  if (bin === 0) return MIN_MS / 2;
  const lower = MIN_MS * GROWTH ** (bin - 1);
  return lower * Math.sqrt(GROWTH);
}
