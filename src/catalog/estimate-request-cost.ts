import type { ModelProfile } from '../spec/model-profile.js';
import { computeCostUsd } from './compute-cost-usd.js';

/** Expected USD cost of a request: no cache hits assumed, since we cannot know them in advance. */
export function estimateRequestCostUsd(profile: Pick<ModelProfile, 'pricing'>, inputTokens: number, outputTokens: number): number {
  return computeCostUsd({ inputTokens, outputTokens }, profile.pricing);
}

/**
 * Worst-case USD cost, for budget reservations: every input token at the full input price and
 * the output cap fully used. The cap is the caller's max tokens, or the model's max output when
 * the caller gave none, and never more than what the context window leaves after the input.
 */
export function maxRequestCostUsd(profile: Pick<ModelProfile, 'pricing' | 'maxOutputTokens' | 'contextWindow'>, inputTokens: number, maxOutputTokens?: number): number {
  const room = Math.max(0, profile.contextWindow - inputTokens);
  const cap = Math.min(maxOutputTokens ?? profile.maxOutputTokens, profile.maxOutputTokens, room);
  return computeCostUsd({ inputTokens, outputTokens: Math.max(0, cap) }, profile.pricing);
}
