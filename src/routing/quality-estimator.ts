import type { ModelProfile, RequestProfile } from '../spec/index.js';

/**
 * Expected answer quality of one deployment for one request, in [0, 1]. The scorer calls this
 * for every surviving candidate; a learned model (trained on recorded outcomes) can replace the
 * profile-table default without touching the scorer.
 */
export interface QualityEstimator {
  readonly name: string;
  estimate(input: { profile: ModelProfile; request: RequestProfile }): QualityEstimate;
}

export interface QualityEstimate {
  quality: number;
  /** Where the number came from, for the candidate's reasons. */
  basis: string;
}

/**
 * Reads the profile's quality table for the task and adjusts it for difficulty: easy requests
 * are answered well by nearly every model, so the gap between models narrows; hard ones widen
 * it. `quality = 1 - (1 - table) * (0.3 + 1.4 * difficulty)`, clipped to [0, 1]: at difficulty
 * 0.5 the table value is returned unchanged.
 */
export const profileQualityEstimator: QualityEstimator = {
  name: 'profile',
  estimate({ profile, request }) {
    const fromTask = profile.quality[request.task];
    const table = fromTask ?? profile.quality.default;
    const shortfall = (1 - table) * (0.3 + 1.4 * request.difficulty);
    return { quality: Math.min(1, Math.max(0, 1 - shortfall)), basis: basisOf(profile, fromTask === undefined ? 'default' : request.task, table) };
  },
};

interface Basis {
  table: number;
  source: string;
  text: string;
}

/*
 * The basis names the table entry read, which is the same for every request of a task on a
 * deployment: its text is kept per profile and entry (a profile lives as long as its config) and
 * built again only if the entry or its source changed.
 */
const bases = new WeakMap<ModelProfile, Map<string, Basis>>();

function basisOf(profile: ModelProfile, entry: string, table: number): string {
  const source = profile.source.quality;
  let known = bases.get(profile);
  if (known === undefined) {
    known = new Map();
    bases.set(profile, known);
  }
  const kept = known.get(entry);
  if (kept !== undefined && kept.table === table && kept.source === source) return kept.text;
  const text = `${entry} quality ${table.toFixed(2)} (${source})`;
  known.set(entry, { table, source, text });
  return text;
}
