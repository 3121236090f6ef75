export { lookupModelPrice } from './lookup-model-price.js';
export { LOCAL_RUNTIMES, lookupPriceData, type PriceDataEntry, type PriceLookupOptions } from './lookup-price-data.js';
export { resolveModelProfile, type ModelProfileInput, type ResolveOptions } from './resolve-model-profile.js';
export {
  MODEL_FAMILIES,
  UNKNOWN_MODEL_FAMILY,
  findModelFamily,
  normalizeModelName,
  type ModelFamily,
  type TokenizerChoice,
} from './model-families.js';
export { FAMILY_BENCHMARKS, UNKNOWN_MODEL_QUALITY, benchmarkQuality, type BenchmarkScores } from './quality-defaults.js';
export { countTextTokens, SAMPLING_THRESHOLD_CHARS, type CountTextOptions } from './count-text-tokens.js';
export { countChatTokens, imageTokens, IMAGE_TOKENS } from './count-chat-tokens.js';
export { preloadEncodings } from './load-encoding.js';
export { computeCostUsd, ratesFor, roundUsd } from './compute-cost-usd.js';
export { estimateRequestCostUsd, maxRequestCostUsd } from './estimate-request-cost.js';
export {
  SIMULATED_MODELS,
  simulatedDeploymentId,
  simulatedDeployments,
  simulatedModelProfile,
  simulatedProviderSettings,
  type SimulatedFailure,
  type SimulatedDeployment,
  type SimulatedModel,
} from './simulated-models.js';
