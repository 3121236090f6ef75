import type { TaskType } from './task-type.js';

/** Everything we know in advance about one deployment; resolved once at config load. */
export interface ModelProfile {
  /** Deployment id, `<provider-or-name>/<model>`, e.g. `openai/gpt-4o-mini`. */
  id: string;
  /** Wire protocol family: `openai`, `anthropic`, `gemini`, `simulated`. */
  provider: string;
  /** The model name sent upstream. */
  model: string;
  /** USD per 1M tokens. */
  pricing: ModelPricing;
  contextWindow: number;
  maxOutputTokens: number;
  capabilities: ModelCapabilities;
  /** Expected answer quality in [0, 1] per task type; `default` covers the rest. */
  quality: Partial<Record<TaskType, number>> & { default: number };
  /** Declared latency until live stats replace it. */
  latency: { ttftMs: number; outputTokensPerSecond: number };
  limits: ModelLimits;
  /** Where each field came from, for `switchyard models` and decision explanations. */
  source: { pricing: 'price-data' | 'config' | 'simulated' | 'unknown'; quality: 'config' | 'default' | 'benchmark' | 'learned' };
  /** True for the built-in simulated provider, so that nothing mistakes it for a real model. */
  simulated: boolean;
}

export interface ModelPricing {
  inputPerMTok: number;
  outputPerMTok: number;
  cachedInputPerMTok: number;
  /** Anthropic-style cache writes; defaults to the input price. */
  cacheWritePerMTok?: number;
  /** Discount factor for a native batch API (e.g. 0.5), where the provider offers one. */
  batchDiscount?: number;
  /**
   * Long-context tiers, ascending: when a request's input tokens exceed `aboveInputTokens`, all
   * of its tokens are billed at that tier's prices (how Anthropic and Google bill long prompts).
   */
  tiers?: PricingTier[];
}

export interface PricingTier {
  aboveInputTokens: number;
  inputPerMTok: number;
  outputPerMTok: number;
  cachedInputPerMTok: number;
  cacheWritePerMTok?: number;
}

export interface ModelCapabilities {
  tools: boolean;
  vision: boolean;
  json: boolean;
  streaming: boolean;
  embeddings: boolean;
}

export interface ModelLimits {
  requestsPerMinute?: number;
  tokensPerMinute?: number;
  maxConcurrent?: number;
}
