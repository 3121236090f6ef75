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
    return {
      quality: Math.min(1, Math.max(0, 1 - shortfall)),
      basis: `${fromTask === undefined ? 'default' : request.task} quality ${table.toFixed(2)} (${profile.source.quality})`,
    };
  },
};
