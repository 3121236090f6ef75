import type { ModelPricing, PricingTier } from '../spec/model-profile.js';
import type { Usage } from '../spec/usage.js';

type Rates = Omit<PricingTier, 'aboveInputTokens'>;

/** The prices that apply to a request with this many input tokens (long-context tiers included). */
export function ratesFor(pricing: ModelPricing, inputTokens: number): Rates {
  let rates: Rates = pricing;
  for (const tier of pricing.tiers ?? []) if (inputTokens > tier.aboveInputTokens) rates = tier;
  return rates;
}

/**
 * Exact USD cost of one call from the usage the upstream reported. `inputTokens` includes the
 * cached and cache-write tokens, so those are taken out of it and billed at their own prices:
 * nothing is counted twice. Cache writes default to the input price where none is listed.
 * Counts are clamped so that inconsistent upstream usage (more cached tokens than input tokens)
 * can never produce a negative charge.
 */
export function computeCostUsd(usage: Usage, pricing: ModelPricing): number {
  const input = Math.max(0, usage.inputTokens);
  const cached = clamp(usage.cachedInputTokens ?? 0, input);
  const written = clamp(usage.cacheWriteTokens ?? 0, input - cached);
  const uncached = input - cached - written;
  const rates = ratesFor(pricing, input);
  const micro =
    uncached * rates.inputPerMTok +
    cached * rates.cachedInputPerMTok +
    written * (rates.cacheWritePerMTok ?? rates.inputPerMTok) +
    Math.max(0, usage.outputTokens) * rates.outputPerMTok;
  return roundUsd(micro / 1_000_000);
}

function clamp(value: number, max: number): number {
  return Math.min(Math.max(0, value), Math.max(0, max));
}

/** Rounds away binary noise (0.1 + 0.2) at a precision far below a billable amount (1e-12 USD). */
export function roundUsd(value: number): number {
  return Math.round(value * 1e12) / 1e12;
}
