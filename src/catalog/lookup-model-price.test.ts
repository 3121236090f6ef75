import { describe, expect, it } from 'vitest';
import { findProvider } from '@pydantic/genai-prices';
import { lookupModelPrice } from './lookup-model-price.js';
import { lookupPriceData } from './lookup-price-data.js';

function rawPrices(providerId: string, modelId: string): Record<string, unknown> {
  const model = findProvider({ providerId })?.models.find((m) => m.id === modelId);
  if (!model || Array.isArray(model.prices)) throw new Error(`fixture model ${providerId}/${modelId} missing or conditional`);
  return model.prices as Record<string, unknown>;
}

describe('lookupModelPrice', () => {
  it('matches the price data for gpt-4o and its dated snapshot', () => {
    const raw = rawPrices('openai', 'gpt-4o');
    const expected = { inputPerMTok: raw.input_mtok, outputPerMTok: raw.output_mtok, cachedInputPerMTok: raw.cache_read_mtok };
    expect(lookupModelPrice('openai', 'gpt-4o')).toEqual(expected);
    expect(lookupModelPrice('openai', 'gpt-4o-2024-08-06')).toEqual(expected);
  });

  it('matches the price data for gpt-4o-mini', () => {
    const raw = rawPrices('openai', 'gpt-4o-mini');
    expect(lookupModelPrice('openai', 'gpt-4o-mini')).toMatchObject({ inputPerMTok: raw.input_mtok, outputPerMTok: raw.output_mtok, cachedInputPerMTok: raw.cache_read_mtok });
  });

  it('carries Anthropic cache-write prices and resolves compact dates in model names', () => {
    const raw = rawPrices('anthropic', 'claude-3-5-haiku-latest');
    const pricing = lookupModelPrice('anthropic', 'claude-3-5-haiku-20241022');
    expect(pricing).toEqual({ inputPerMTok: raw.input_mtok, outputPerMTok: raw.output_mtok, cachedInputPerMTok: raw.cache_read_mtok, cacheWritePerMTok: raw.cache_write_mtok });
  });

  it('turns long-context price tiers into pricing tiers', () => {
    const pricing = lookupModelPrice('gemini', 'gemini-1.5-flash');
    expect(pricing?.inputPerMTok).toBe(0.075);
    expect(pricing?.tiers).toEqual([{ aboveInputTokens: 128_000, inputPerMTok: 0.15, outputPerMTok: 0.6, cachedInputPerMTok: 0.0375 }]);
  });

  it('maps our gemini provider name to the price data google provider', () => {
    expect(lookupPriceData('gemini', 'gemini-2.0-flash')?.providerId).toBe('google');
  });

  it('takes the peak price where prices depend on the time of day', () => {
    const model = findProvider({ providerId: 'deepseek' })?.models.find((m) => m.id === 'deepseek-chat');
    expect(Array.isArray(model?.prices)).toBe(true);
    const inputs = (model?.prices as { prices: { input_mtok: number } }[]).map((p) => p.prices.input_mtok);
    expect(lookupModelPrice('deepseek', 'deepseek-chat')?.inputPerMTok).toBe(Math.max(...inputs));
  });

  it('takes the start-date price in force at the given time', () => {
    const before = lookupModelPrice('anthropic', 'claude-sonnet-4-6', { at: new Date('2026-01-01T00:00:00Z') });
    const after = lookupModelPrice('anthropic', 'claude-sonnet-4-6', { at: new Date('2026-06-01T00:00:00Z') });
    expect(before?.tiers?.length).toBe(1);
    expect(after?.tiers).toBeUndefined();
    expect(after?.inputPerMTok).toBe(3);
  });

  it('falls back to matching the model name across providers', () => {
    expect(lookupModelPrice('some-proxy', 'gpt-4o-mini')?.inputPerMTok).toBe(0.15);
  });

  it('uses the input price for cache hits where no cached price is listed', () => {
    const pricing = lookupModelPrice('groq', 'llama-3.1-8b-instant');
    expect(pricing?.cachedInputPerMTok).toBe(pricing?.inputPerMTok);
  });

  it('returns undefined for models the data does not know', () => {
    expect(lookupModelPrice('ollama', 'llama3')).toBeUndefined();
    expect(lookupModelPrice('openai', 'my-private-finetune-xyz')).toBeUndefined();
  });
});
