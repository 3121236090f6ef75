import type { QualityFeedbackBook } from '../../routing/feedback/quality-feedback-book.js';
import type { QualityEstimator } from '../../routing/quality-estimator.js';

export interface FeedbackEstimatorOptions {
  estimate: 'thompson' | 'mean';
  /** Chance that this request ignores feedback altogether (see `learning.explorationFloor`). */
  explorationFloor: number;
  random: () => number;
}

/**
 * The exploration coin of one request: true when it sets feedback aside. Tossed once per request,
 * so that an exploring request ranks every candidate on the prior alone and a demoted deployment
 * still gets some traffic.
 */
export function explores(options: Pick<FeedbackEstimatorOptions, 'explorationFloor' | 'random'>): boolean {
  return options.explorationFloor > 0 && options.random() < options.explorationFloor;
}

/** The prior alone, saying so in its basis. Reads no request state: one serves every exploring request. */
export function explorationEstimator(base: QualityEstimator): QualityEstimator {
  return {
    name: `${base.name}+exploration`,
    estimate: (input) => {
      const prior = base.estimate(input);
      return { quality: prior.quality, basis: `${prior.basis}; feedback set aside (exploration)` };
    },
  };
}

/**
 * The prior moved by feedback: the posterior mean, or a Thompson draw from it. Reads the book as
 * it is at each call, so one serves every request that does not explore.
 */
export function posteriorEstimator(book: QualityFeedbackBook, base: QualityEstimator, estimate: FeedbackEstimatorOptions['estimate']): QualityEstimator {
  if (estimate === 'mean') return book.estimator(base);
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
