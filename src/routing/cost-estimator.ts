import { estimateRequestCostUsd, maxRequestCostUsd } from '../catalog/index.js';
import type { ModelProfile } from '../spec/index.js';

/**
 * Prices a request on one deployment. Injected so that callers (tests, what-if estimates) can
 * swap the catalog's arithmetic for their own.
 */
export interface CostEstimator {
  /** Expected cost in USD for the given input and expected output tokens. */
  estimateRequestCostUsd(profile: ModelProfile, inputTokens: number, outputTokens: number): number;
  /**
   * Worst case in USD: the output runs to `maxOutputTokens` (the caller's cap), or to the
   * model's maximum when the caller set none, within what the context window leaves.
   */
  maxRequestCostUsd(profile: ModelProfile, inputTokens: number, maxOutputTokens: number | undefined): number;
}

/** The catalog's prices: list prices, long-context tiers, no cache hits assumed. */
export const catalogCostEstimator: CostEstimator = {
  estimateRequestCostUsd: (profile, inputTokens, outputTokens) => estimateRequestCostUsd(profile, inputTokens, outputTokens),
  maxRequestCostUsd: (profile, inputTokens, maxOutputTokens) => maxRequestCostUsd(profile, inputTokens, maxOutputTokens),
};
