import { findProvider, type ConditionalPrice, type MatchLogic, type ModelInfo, type ModelPrice, type Provider } from '@pydantic/genai-prices';
import type { ModelPricing, PricingTier } from '../spec/model-profile.js';

/** What the price data knows of one model, in our units (USD per 1M tokens). */
export interface PriceDataEntry {
  /** The price-data provider that matched (`openai`, `anthropic`, `google`, `groq`, ...). */
  providerId: string;
  /** The price-data model id that matched, e.g. `claude-3-5-sonnet` for `claude-3-5-sonnet-20241022`. */
  modelId: string;
  pricing: ModelPricing;
  contextWindow?: number;
}

export interface PriceLookupOptions {
  /** Which dated price applies; defaults to now. Only start-date constraints use it (see below). */
  at?: Date;
}

/**
 * Our wire-protocol names that differ from the price data's provider ids. Anything else is tried
 * as a price-data provider id as is (`groq`, `mistral`, `deepseek`, `together`, `openrouter`, ...).
 */
const PROVIDER_ALIASES: Record<string, string> = {
  gemini: 'google',
  'azure-openai': 'azure',
};

const cache = new Map<string, PriceDataEntry | null>();

/**
 * Finds a model in the bundled `@pydantic/genai-prices` data (no network). The provider is tried
 * first; where it is unknown to the price data, or does not list the model, a proprietary model
 * name (GPT, Claude, Gemini) is matched on its own, so `gpt-4o` behind a proxy still resolves.
 * Local runtimes (`ollama`, `vllm`, ...) never fall back: what they serve is free.
 * Results are cached: this runs at config load, never per request.
 */
export function lookupPriceData(provider: string, model: string, options: PriceLookupOptions = {}): PriceDataEntry | undefined {
  const at = options.at ?? new Date();
  // Keyed by day so that a config reload after a dated price change picks the new price up.
  const key = `${provider}\u0000${model}\u0000${at.toISOString().slice(0, 10)}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached ?? undefined;
  const found = findEntry(provider, model, at);
  cache.set(key, found ?? null);
  return found;
}

function findEntry(provider: string, model: string, at: Date): PriceDataEntry | undefined {
  const name = model.toLowerCase().trim();
  const providerId = PROVIDER_ALIASES[provider.toLowerCase()] ?? provider.toLowerCase();
  const byProvider = findProvider({ providerId });
  const hit = (byProvider && findModel(byProvider, name)) ?? (LOCAL_RUNTIMES.has(providerId) ? undefined : findProprietaryModel(name));
  if (!hit) return undefined;
  const entry: PriceDataEntry = { providerId: hit.provider.id, modelId: hit.model.id, pricing: toPricing(activePrice(hit.model, at)) };
  if (hit.model.context_window !== undefined) entry.contextWindow = hit.model.context_window;
  return entry;
}

interface Hit {
  provider: Provider;
  model: ModelInfo;
}

/**
 * Runtimes that serve models on one's own hardware: their models cost nothing per token, even
 * when a hosted provider sells the same open weights.
 */
export const LOCAL_RUNTIMES: ReadonlySet<string> = new Set(['ollama', 'vllm', 'lmstudio', 'llamacpp', 'llama.cpp', 'localai', 'tgi', 'sglang', 'local']);

/**
 * Providers whose weights are not public: a model name of theirs means their price wherever the
 * request goes (a proxy, a gateway). Open-weight names (Llama, Mistral, DeepSeek, gpt-oss) are
 * not matched this way, because they are as often self-hosted as bought.
 */
const PROPRIETARY_PROVIDERS = new Set(['openai', 'anthropic', 'google']);

function findProprietaryModel(name: string): Hit | undefined {
  if (name.includes('gpt-oss')) return undefined;
  const provider = findProvider({ modelId: name });
  return provider && PROPRIETARY_PROVIDERS.has(provider.id) ? findModel(provider, name) : undefined;
}

// Mirrors the package's own matching: the model's patterns, then the provider's fallback
// providers, then the name with a compact date suffix (-20241022) rewritten as -2024-10-22.
function findModel(provider: Provider, name: string, depth = 0): Hit | undefined {
  const model = provider.models.find((m) => matches(m.match, name));
  if (model) return { provider, model };
  if (depth === 0) {
    for (const fallbackId of provider.fallback_model_providers ?? []) {
      const fallback = findProvider({ providerId: fallbackId });
      const hit = fallback && findModel(fallback, name, 1);
      if (hit) return hit;
    }
    const dashed = name.replace(/-(20\d{2})(\d{2})(\d{2})(?=-|:|$)/g, '-$1-$2-$3');
    if (dashed !== name) return findModel(provider, dashed, 1);
  }
  return undefined;
}

function matches(logic: MatchLogic, name: string): boolean {
  if ('or' in logic) return logic.or.some((l) => matches(l, name));
  if ('and' in logic) return logic.and.every((l) => matches(l, name));
  if ('equals' in logic) return name === logic.equals.toLowerCase();
  if ('starts_with' in logic) return name.startsWith(logic.starts_with.toLowerCase());
  if ('ends_with' in logic) return name.endsWith(logic.ends_with.toLowerCase());
  if ('contains' in logic) return name.includes(logic.contains.toLowerCase());
  if ('regex' in logic) return new RegExp(logic.regex).test(name);
  return false;
}

/**
 * Picks one price set from conditional prices. Start-date constraints: the latest one in force
 * at `at`. Time-of-day constraints (DeepSeek's off-peak discount): the most expensive variant,
 * because a profile is resolved once and must not under-estimate whenever the request happens to
 * run; actual cost is still computed from this price, so off-peak calls are over-counted, never
 * under-counted.
 */
function activePrice(model: ModelInfo, at: Date): ModelPrice {
  if (!Array.isArray(model.prices)) return model.prices;
  const variants: ConditionalPrice[] = model.prices;
  if (variants.some((v) => v.constraint?.type === 'time_of_date')) {
    return variants.reduce((a, b) => (baseOf(b.prices.input_mtok) > baseOf(a.prices.input_mtok) ? b : a)).prices;
  }
  let chosen = variants[0]?.prices ?? {};
  for (const variant of variants) {
    const constraint = variant.constraint;
    if (constraint === undefined || (constraint.type === 'start_date' && at >= new Date(constraint.start_date))) chosen = variant.prices;
  }
  return chosen;
}

type PriceValue = ModelPrice[string];

function baseOf(value: PriceValue): number {
  if (value === undefined) return 0;
  return typeof value === 'number' ? value : value.base;
}

function tierStarts(value: PriceValue): number[] {
  return value === undefined || typeof value === 'number' ? [] : value.tiers.map((t) => t.start);
}

// The package bills every token of a request at the highest tier whose start the request's
// input tokens exceed; tiers here keep exactly that meaning.
function priceAt(value: PriceValue, inputTokens: number): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  let price = value.base;
  for (const tier of [...value.tiers].sort((a, b) => a.start - b.start)) if (inputTokens > tier.start) price = tier.price;
  return price;
}

function toPricing(price: ModelPrice): ModelPricing {
  const at = (inputTokens: number): Omit<PricingTier, 'aboveInputTokens'> => {
    const input = priceAt(price.input_mtok, inputTokens);
    const tier: Omit<PricingTier, 'aboveInputTokens'> = {
      inputPerMTok: input,
      outputPerMTok: priceAt(price.output_mtok, inputTokens),
      // No cached price listed means the provider has no discount for cache hits.
      cachedInputPerMTok: price.cache_read_mtok === undefined ? input : priceAt(price.cache_read_mtok, inputTokens),
    };
    if (price.cache_write_mtok !== undefined) tier.cacheWritePerMTok = priceAt(price.cache_write_mtok, inputTokens);
    return tier;
  };
  const pricing: ModelPricing = { ...at(0) };
  const starts = [...new Set(['input_mtok', 'output_mtok', 'cache_read_mtok', 'cache_write_mtok'].flatMap((k) => tierStarts(price[k])))].sort((a, b) => a - b);
  if (starts.length > 0) pricing.tiers = starts.map((start) => ({ aboveInputTokens: start, ...at(start + 1) }));
  return pricing;
}
