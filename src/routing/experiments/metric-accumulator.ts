/** Count, mean and variance of one metric on one arm, updated one value at a time (Welford). */
export class MetricAccumulator {
  private count = 0;
  private runningMean = 0;
  private sumSquares = 0;

  add(value: number): void {
    if (!Number.isFinite(value)) return;
    this.count += 1;
    const delta = value - this.runningMean;
    this.runningMean += delta / this.count;
    this.sumSquares += delta * (value - this.runningMean);
  }

  get n(): number {
    return this.count;
  }

  get mean(): number {
    return this.runningMean;
  }

  /** Sample variance (n - 1 in the denominator); 0 below two values. */
  get variance(): number {
    return this.count > 1 ? this.sumSquares / (this.count - 1) : 0;
  }

  summary(): MetricSummary {
    return { n: this.count, mean: this.runningMean, variance: this.variance };
  }
}

export interface MetricSummary {
  n: number;
  mean: number;
  variance: number;
}
