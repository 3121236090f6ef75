import type { ModelPricing } from '../spec/model-profile.js';
import { lookupPriceData, type PriceLookupOptions } from './lookup-price-data.js';

/**
 * USD per 1M tokens for a model from the bundled price data, or undefined when the data does
 * not know it. Long-context tiers come back in `tiers`; conditional prices are resolved as
 * `lookupPriceData` documents. Cache writes are the 5-minute cache-write price (Anthropic's
 * default); the 1-hour variant is not modelled.
 */
export function lookupModelPrice(provider: string, model: string, options?: PriceLookupOptions): ModelPricing | undefined {
  return lookupPriceData(provider, model, options)?.pricing;
}
