import type { MetricSummary } from './metric-accumulator.js';
import { studentTQuantile, studentTTwoSidedP } from './student-t.js';

export interface ArmFigures {
  arm: string;
  n: number;
  mean: number;
  /** 95% (or `confidence`) interval of the mean. */
  interval: [number, number];
}

export interface ArmComparison {
  arm: string;
  control: string;
  /** arm mean minus control mean, with its interval. */
  difference: number;
  interval: [number, number];
  pValue: number;
  /** p below alpha after a Bonferroni correction for the number of arms compared with the control. */
  significant: boolean;
}

export interface MetricComparison {
  arms: ArmFigures[];
  comparisons: ArmComparison[];
}

/**
 * Compares each arm with the first (the control) on one metric: Welch's t-test, which does not
 * assume equal variances (costs and latencies rarely have them), with Welch-Satterthwaite
 * degrees of freedom. Works for 0/1 metrics (error rate, thumbs) as the normal approximation
 * of a two-proportion test. With fewer than two values on either side nothing is significant.
 */
export function compareArms(arms: readonly { arm: string; summary: MetricSummary }[], options: { confidence?: number } = {}): MetricComparison {
  const confidence = options.confidence ?? 0.95;
  const alpha = 1 - confidence;
  const figures = arms.map(({ arm, summary }): ArmFigures => {
    const se = summary.n > 1 ? Math.sqrt(summary.variance / summary.n) : Infinity;
    const t = summary.n > 1 ? studentTQuantile(alpha / 2, summary.n - 1) : Infinity;
    const half = Number.isFinite(se * t) ? se * t : Infinity;
    return { arm, n: summary.n, mean: summary.mean, interval: [summary.mean - half, summary.mean + half] };
  });
  const control = arms[0];
  const comparisons: ArmComparison[] = [];
  const tests = Math.max(1, arms.length - 1);
  for (const other of arms.slice(1)) {
    if (!control) break;
    const a = other.summary;
    const b = control.summary;
    const difference = a.mean - b.mean;
    if (a.n < 2 || b.n < 2) {
      comparisons.push({ arm: other.arm, control: control.arm, difference, interval: [-Infinity, Infinity], pValue: 1, significant: false });
      continue;
    }
    const va = a.variance / a.n;
    const vb = b.variance / b.n;
    const se = Math.sqrt(va + vb);
    let pValue: number;
    let half: number;
    if (se === 0) {
      pValue = difference === 0 ? 1 : 0;
      half = 0;
    } else {
      const df = (va + vb) ** 2 / ((va * va) / (a.n - 1) + (vb * vb) / (b.n - 1));
      pValue = studentTTwoSidedP(difference / se, df);
      half = studentTQuantile(alpha / 2, df) * se;
    }
    comparisons.push({
      arm: other.arm,
      control: control.arm,
      difference,
      interval: [difference - half, difference + half],
      pValue,
      significant: pValue < alpha / tests,
    });
  }
  return { arms: figures, comparisons };
}
