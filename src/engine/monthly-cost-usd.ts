import { computeCostUsd } from '../catalog/compute-cost-usd.js';
import type { ModelProfile } from '../spec/model-profile.js';

/** A traffic shape to price: how many requests a day and the tokens of an average one. */
export interface TrafficShape {
  requestsPerDay: number;
  inputTokens: number;
  outputTokens: number;
  /** Of `inputTokens`, how many hit the provider's prompt cache (billed at the cached price). */
  cachedInputTokens?: number;
  /** Days in the month; 30 unless told. */
  days?: number;
}

/**
 * What this traffic costs in a month on one deployment, from the catalog's list prices (long
 * context tiers and cached-input prices included): requests x days x the cost of one request.
 */
export function monthlyCostUsd(profile: Pick<ModelProfile, 'pricing'>, traffic: TrafficShape): number {
  const usage = { inputTokens: traffic.inputTokens, outputTokens: traffic.outputTokens, cachedInputTokens: traffic.cachedInputTokens ?? 0 };
  return traffic.requestsPerDay * (traffic.days ?? 30) * computeCostUsd(usage, profile.pricing);
}
