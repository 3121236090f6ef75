import type { ModelCapabilities, ModelLimits, ModelPricing, ModelProfile } from '../spec/model-profile.js';
import type { TaskType } from '../spec/task-type.js';
import { GatewayError } from '../errors/gateway-error.js';
import { findModelFamily } from './model-families.js';
import { LOCAL_RUNTIMES, lookupPriceData, type PriceLookupOptions } from './lookup-price-data.js';
import { benchmarkQuality, UNKNOWN_MODEL_QUALITY } from './quality-defaults.js';

/** What config says about a deployment; every field but the three names is an optional override. */
export interface ModelProfileInput {
  id: string;
  provider: string;
  model: string;
  /**
   * Look prices and family defaults up under this provider and model instead (an Azure
   * deployment name, an Ollama tag, a fine-tune, a simulated model that follows a real one).
   */
  priceAs?: { provider: string; model: string };
  pricing?: Partial<ModelPricing>;
  contextWindow?: number;
  maxOutputTokens?: number;
  capabilities?: Partial<ModelCapabilities>;
  quality?: Partial<Record<TaskType | 'default', number>>;
  latency?: Partial<ModelProfile['latency']>;
  limits?: ModelLimits;
  simulated?: boolean;
}

export type ResolveOptions = PriceLookupOptions;

/**
 * Builds a deployment's profile once, at config load: config first, then the bundled price data
 * (prices, context window), then the hand-maintained family defaults (max output, capabilities,
 * latency, benchmark quality), then the unknown-model defaults.
 *
 * Deployments whose id starts with a local runtime (`ollama/...`, `vllm/...`, `local/...`) skip
 * the price data: they run on one's own hardware.
 *
 * A model the price data does not know and config gives no price for is priced at zero with
 * `source.pricing = 'unknown'`. That is right for local runtimes (Ollama, vLLM on one's own
 * hardware), which cost nothing per token, and it stays visible: `switchyard models` and every
 * decision show the source, so a hosted model priced this way is easy to spot and fix in config.
 */
export function resolveModelProfile(input: ModelProfileInput, options: ResolveOptions = {}): ModelProfile {
  if (!input.id || !input.provider || !input.model) {
    throw new GatewayError('invalid_request', `A deployment needs an id, a provider and a model (got id "${input.id}", provider "${input.provider}", model "${input.model}").`);
  }
  const lookupProvider = input.priceAs?.provider ?? deploymentPrefix(input.id) ?? input.provider;
  const lookupModel = input.priceAs?.model ?? input.model;
  const local = LOCAL_RUNTIMES.has(lookupProvider.toLowerCase());
  const priceData = local
    ? undefined
    : (lookupPriceData(lookupProvider, lookupModel, options) ?? (lookupProvider !== input.provider ? lookupPriceData(input.provider, lookupModel, options) : undefined));
  const family = findModelFamily(lookupModel);

  const { pricing, pricingSource } = resolvePricing(input, priceData?.pricing);
  for (const [task, value] of Object.entries(input.quality ?? {})) {
    if (value !== undefined && (!Number.isFinite(value) || value < 0 || value > 1)) {
      throw new GatewayError('invalid_request', `Deployment ${input.id}: quality.${task} must be between 0 and 1.`, { param: `quality.${task}` });
    }
  }
  const familyQuality = benchmarkQuality(family.family);
  const quality = { ...(familyQuality ?? { default: UNKNOWN_MODEL_QUALITY }), ...definedOnly(input.quality ?? {}) };
  const qualitySource = input.quality !== undefined && Object.keys(definedOnly(input.quality)).length > 0 ? 'config' : familyQuality ? 'benchmark' : 'default';

  const contextWindow = positive(input.contextWindow, 'contextWindow', input.id) ?? priceData?.contextWindow ?? family.contextWindow;
  const maxOutputTokens = Math.min(positive(input.maxOutputTokens, 'maxOutputTokens', input.id) ?? family.maxOutputTokens, contextWindow);

  return {
    id: input.id,
    provider: input.provider,
    model: input.model,
    pricing,
    contextWindow,
    maxOutputTokens,
    capabilities: { ...family.capabilities, ...definedOnly(input.capabilities ?? {}) },
    quality,
    latency: { ...family.latency, ...definedOnly(input.latency ?? {}) },
    limits: { ...(input.limits ?? {}) },
    source: { pricing: pricingSource, quality: qualitySource },
    simulated: input.simulated === true,
  };
}

function resolvePricing(input: ModelProfileInput, fromData: ModelPricing | undefined): { pricing: ModelPricing; pricingSource: ModelProfile['source']['pricing'] } {
  const overrides = definedOnly(input.pricing ?? {});
  for (const [field, value] of Object.entries(overrides)) {
    if (typeof value === 'number' && (!Number.isFinite(value) || value < 0)) {
      throw new GatewayError('invalid_request', `Deployment ${input.id}: pricing.${field} must be a non-negative number.`, { param: `pricing.${field}` });
    }
  }
  const hasOverrides = Object.keys(overrides).length > 0;
  const base: ModelPricing = fromData ?? { inputPerMTok: 0, outputPerMTok: 0, cachedInputPerMTok: 0 };
  const pricing: ModelPricing = { ...base, ...overrides };
  // A configured input price without a cached price means "no cache discount", not the data's.
  if (overrides.inputPerMTok !== undefined && overrides.cachedInputPerMTok === undefined && fromData === undefined) pricing.cachedInputPerMTok = overrides.inputPerMTok;
  // Config that changes the base prices makes the data's long-context tiers meaningless.
  if (hasOverrides && overrides.tiers === undefined && (overrides.inputPerMTok !== undefined || overrides.outputPerMTok !== undefined)) delete pricing.tiers;
  const simulatedSource = input.simulated === true && fromData !== undefined && !hasOverrides;
  const pricingSource = simulatedSource ? 'simulated' : hasOverrides ? 'config' : fromData ? 'price-data' : 'unknown';
  return { pricing, pricingSource };
}

/** `groq/llama-3.1-8b-instant` names its price-data provider in its id; plain ids do not. */
function deploymentPrefix(id: string): string | undefined {
  const slash = id.indexOf('/');
  return slash > 0 ? id.slice(0, slash) : undefined;
}

function positive(value: number | undefined, field: string, id: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value <= 0) throw new GatewayError('invalid_request', `Deployment ${id}: ${field} must be a positive integer.`, { param: field });
  return value;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [key, entry] of Object.entries(value)) if (entry !== undefined) (out as Record<string, unknown>)[key] = entry;
  return out;
}
