/**
 * The last `size` samples of one figure in a preallocated ring, with a p95 computed lazily on
 * read and cached until the next sample. `scratch` (at least `size` long) is shared by the rings
 * of one tracker, so that reads allocate nothing.
 */
export class PercentileRing {
  private readonly values: Float64Array;
  private count = 0;
  private next = 0;
  private cached: number | undefined;
  private dirty = false;

  constructor(private readonly size: number) {
    this.values = new Float64Array(size);
  }

  add(value: number): void {
    this.values[this.next] = value;
    this.next = (this.next + 1) % this.size;
    this.count = Math.min(this.size, this.count + 1);
    this.dirty = true;
  }

  p95(scratch: Float64Array): number | undefined {
    if (this.count === 0) return undefined;
    if (!this.dirty) return this.cached;
    const view = scratch.subarray(0, this.count);
    view.set(this.values.subarray(0, this.count));
    view.sort();
    this.cached = view[Math.min(this.count - 1, Math.ceil(0.95 * this.count) - 1)];
    this.dirty = false;
    return this.cached;
  }
}
