/** How consensus compares answers and what it does when no answer has a majority. */
export interface ConsensusPlan {
  n: number;
  /** `exact` text, `normalized` (case, whitespace, punctuation), or `majority` over extracted final answers. */
  comparator: 'exact' | 'normalized' | 'majority';
  /** `answer`: return the largest group's answer anyway (the header shows the agreement); `error`: 502 `no_consensus`. */
  onNoMajority: 'answer' | 'error';
}

/** A policy's parallel calls: `race` calls the first `n` candidates at once; `consensus` asks `n` and compares. */
export type ParallelPlan = { mode: 'race'; n: number } | ({ mode: 'consensus' } & ConsensusPlan);

export interface ParallelSettings {
  n?: number;
  comparator?: ConsensusPlan['comparator'];
  onNoMajority?: ConsensusPlan['onNoMajority'];
}

/** A policy's `mode` and `parallel` settings with their defaults; undefined for one call at a time. */
export function parallelPlan(mode: 'single' | 'race' | 'consensus' | undefined, settings: ParallelSettings | undefined): ParallelPlan | undefined {
  switch (mode) {
    case undefined:
    case 'single':
      return undefined;
    case 'race':
      return { mode, n: settings?.n ?? 2 };
    case 'consensus':
      return { mode, n: settings?.n ?? 3, comparator: settings?.comparator ?? 'normalized', onNoMajority: settings?.onNoMajority ?? 'answer' };
  }
}
