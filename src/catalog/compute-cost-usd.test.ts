import { describe, expect, it } from 'vitest';
import type { ModelPricing } from '../spec/model-profile.js';
import { computeCostUsd } from './compute-cost-usd.js';
import { estimateRequestCostUsd, maxRequestCostUsd } from './estimate-request-cost.js';

const sonnet: ModelPricing = {
  inputPerMTok: 3,
  outputPerMTok: 15,
  cachedInputPerMTok: 0.3,
  cacheWritePerMTok: 3.75,
  tiers: [{ aboveInputTokens: 200_000, inputPerMTok: 6, outputPerMTok: 22.5, cachedInputPerMTok: 0.6, cacheWritePerMTok: 7.5 }],
};
const mini: ModelPricing = { inputPerMTok: 0.15, outputPerMTok: 0.6, cachedInputPerMTok: 0.075 };

describe('computeCostUsd', () => {
  it('bills input and output at their prices', () => {
    expect(computeCostUsd({ inputTokens: 1_000_000, outputTokens: 1_000_000 }, mini)).toBe(0.75);
    expect(computeCostUsd({ inputTokens: 1000, outputTokens: 200 }, mini)).toBeCloseTo(0.00027, 12);
  });

  it('bills cached tokens at the cached price without counting them twice', () => {
    // 1000 input of which 800 cached: 200 x 0.15 + 800 x 0.075 = 90 micro-USD; 100 output x 0.6 = 60.
    expect(computeCostUsd({ inputTokens: 1000, cachedInputTokens: 800, outputTokens: 100 }, mini)).toBeCloseTo(0.00015, 12);
  });

  it('bills cache writes at the cache-write price, and at the input price where none is listed', () => {
    // 4740 input: 4735 written at 3.75, 5 plain at 3; 255 output at 15.
    expect(computeCostUsd({ inputTokens: 4740, cacheWriteTokens: 4735, outputTokens: 255 }, sonnet)).toBeCloseTo((4735 * 3.75 + 5 * 3 + 255 * 15) / 1e6, 12);
    expect(computeCostUsd({ inputTokens: 1000, cacheWriteTokens: 1000, outputTokens: 0 }, mini)).toBeCloseTo(0.00015, 12);
  });

  it('bills every token at the long-context tier once the input passes its threshold', () => {
    expect(computeCostUsd({ inputTokens: 200_000, outputTokens: 0 }, sonnet)).toBeCloseTo(0.6, 12);
    expect(computeCostUsd({ inputTokens: 200_001, outputTokens: 1000 }, sonnet)).toBeCloseTo((200_001 * 6 + 1000 * 22.5) / 1e6, 12);
  });

  it('never charges a negative amount for inconsistent usage', () => {
    expect(computeCostUsd({ inputTokens: 100, cachedInputTokens: 500, cacheWriteTokens: 50, outputTokens: 0 }, mini)).toBeCloseTo((100 * 0.075) / 1e6, 12);
    expect(computeCostUsd({ inputTokens: -5, outputTokens: -5 }, mini)).toBe(0);
  });

  it('matches what @pydantic/genai-prices computes for the same usage', async () => {
    const { calcPrice } = await import('@pydantic/genai-prices');
    const result = calcPrice({ input_tokens: 4740, cache_read_tokens: 1000, cache_write_tokens: 2000, output_tokens: 255 }, 'claude-3-5-sonnet-20241022', { providerId: 'anthropic' });
    const ours = computeCostUsd({ inputTokens: 4740, cachedInputTokens: 1000, cacheWriteTokens: 2000, outputTokens: 255 }, sonnet);
    expect(ours).toBeCloseTo(result?.total_price ?? Number.NaN, 12);
  });
});

describe('request cost estimates', () => {
  const profile = { pricing: mini, maxOutputTokens: 16_384, contextWindow: 128_000 };

  it('estimates without cache hits', () => {
    expect(estimateRequestCostUsd(profile, 1000, 500)).toBeCloseTo((1000 * 0.15 + 500 * 0.6) / 1e6, 12);
  });

  it('reserves for the full output cap, bounded by the model and the window', () => {
    expect(maxRequestCostUsd(profile, 1000, 100)).toBeCloseTo((1000 * 0.15 + 100 * 0.6) / 1e6, 12);
    expect(maxRequestCostUsd(profile, 1000)).toBeCloseTo((1000 * 0.15 + 16_384 * 0.6) / 1e6, 12);
    expect(maxRequestCostUsd(profile, 1000, 1_000_000)).toBeCloseTo((1000 * 0.15 + 16_384 * 0.6) / 1e6, 12);
    expect(maxRequestCostUsd(profile, 127_000)).toBeCloseTo((127_000 * 0.15 + 1000 * 0.6) / 1e6, 12);
  });
});
