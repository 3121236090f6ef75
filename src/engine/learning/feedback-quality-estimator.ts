import type { QualityFeedbackBook } from '../../routing/feedback/quality-feedback-book.js';
import type { QualityEstimator } from '../../routing/quality-estimator.js';

export interface FeedbackEstimatorOptions {
  estimate: 'thompson' | 'mean';
  /** Chance that this request ignores feedback altogether (see `learning.explorationFloor`). */
  explorationFloor: number;
  random: () => number;
}

/**
 * One request's quality hook: the base estimate is the prior, feedback on (task, deployment)
 * moves it. The exploration coin is tossed once per request, so that an exploring request ranks
 * every candidate on the prior alone and a demoted deployment still gets some traffic.
 */
export function feedbackQualityEstimator(book: QualityFeedbackBook, base: QualityEstimator, options: FeedbackEstimatorOptions): QualityEstimator {
  if (options.explorationFloor > 0 && options.random() < options.explorationFloor) {
    return {
      name: `${base.name}+exploration`,
      estimate: (input) => {
        const prior = base.estimate(input);
        return { quality: prior.quality, basis: `${prior.basis}; feedback set aside (exploration)` };
      },
    };
  }
  if (options.estimate === 'mean') return book.estimator(base);
  return {
    name: `${base.name}+thompson`,
    estimate: (input) => {
      const prior = base.estimate(input);
      const posterior = book.estimate(input.request.task, input.profile.id, prior.quality);
      if (posterior.observations < 1e-9) return prior;
      const draw = book.sample(input.request.task, input.profile.id, prior.quality);
      return {
        quality: draw,
        basis: `${prior.basis}, feedback mean ${posterior.mean.toFixed(2)} over ${posterior.observations.toFixed(0)} scores (Thompson draw)`,
      };
    },
  };
}
