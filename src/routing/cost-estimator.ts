import type { ModelProfile } from '../spec/index.js';

/**
 * Prices a request on one deployment. Injected so that the catalog's estimator (cached-input
 * and tiered prices) can replace the plain per-token arithmetic below.
 */
export interface CostEstimator {
  /** Expected cost in USD for the given input and expected output tokens. */
  estimateRequestCostUsd(profile: ModelProfile, inputTokens: number, outputTokens: number): number;
  /** Worst case in USD when the answer runs to `maxOutputTokens`. */
  maxRequestCostUsd(profile: ModelProfile, inputTokens: number, maxOutputTokens: number): number;
}

/** List prices, no caching discounts: what a request costs when nothing is cached. */
export const listPriceCostEstimator: CostEstimator = {
  estimateRequestCostUsd(profile, inputTokens, outputTokens) {
    return (inputTokens * profile.pricing.inputPerMTok + outputTokens * profile.pricing.outputPerMTok) / 1_000_000;
  },
  maxRequestCostUsd(profile, inputTokens, maxOutputTokens) {
    return (inputTokens * profile.pricing.inputPerMTok + maxOutputTokens * profile.pricing.outputPerMTok) / 1_000_000;
  },
};
