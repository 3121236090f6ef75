import type { ModelProfile } from '../spec/model-profile.js';
import type { OutcomeClass } from '../spec/outcome-class.js';
import { countTextTokens } from './count-text-tokens.js';
import { resolveModelProfile, type ResolveOptions } from './resolve-model-profile.js';

/**
 * A built-in simulated deployment that follows the profile of a well-known real model: its
 * prices, context window, max output, capabilities and benchmark quality come from that model's
 * entries (price data, family defaults); latency and failure rates are set here.
 */
export interface SimulatedModel {
  /** Deployment id is `simulated/<name>`. */
  name: string;
  /** The real model whose profile it follows. */
  follows: { provider: string; model: string };
  /** Time to first token: mean and the spread of a uniform jitter around it, ms. */
  ttftMs: number;
  ttftJitterMs: number;
  outputTokensPerSecond: number;
  /**
   * Per-call failure probabilities by outcome class. Orders of magnitude follow what public
   * status pages and gateway reports show for busy hosted APIs: rate limits and overload a few
   * per thousand, server errors and network cuts rarer.
   */
  failureRates: Partial<Record<SimulatedFailure, number>>;
  /** Overrides of the followed model's profile (the small Llama's 8k window, for instance). */
  contextWindow?: number;
}

export type SimulatedFailure = Extract<OutcomeClass, 'rate_limited' | 'overloaded' | 'timeout' | 'server_error' | 'network' | 'content_filtered'>;

export const SIMULATED_MODELS: readonly SimulatedModel[] = [
  {
    name: 'gpt-4o',
    follows: { provider: 'openai', model: 'gpt-4o' },
    ttftMs: 450, ttftJitterMs: 250, outputTokensPerSecond: 90,
    failureRates: { rate_limited: 0.004, overloaded: 0.002, timeout: 0.001, server_error: 0.002, network: 0.001 },
  },
  {
    name: 'gpt-4o-mini',
    follows: { provider: 'openai', model: 'gpt-4o-mini' },
    ttftMs: 350, ttftJitterMs: 200, outputTokensPerSecond: 110,
    failureRates: { rate_limited: 0.003, overloaded: 0.001, timeout: 0.001, server_error: 0.001, network: 0.001 },
  },
  {
    name: 'claude-sonnet',
    follows: { provider: 'anthropic', model: 'claude-3-5-sonnet-20241022' },
    ttftMs: 900, ttftJitterMs: 400, outputTokensPerSecond: 60,
    // Anthropic's 529 "overloaded" is its most common transient failure.
    failureRates: { rate_limited: 0.004, overloaded: 0.008, timeout: 0.002, server_error: 0.002, network: 0.001, content_filtered: 0.001 },
  },
  {
    name: 'claude-haiku',
    follows: { provider: 'anthropic', model: 'claude-3-5-haiku-20241022' },
    ttftMs: 600, ttftJitterMs: 300, outputTokensPerSecond: 65,
    failureRates: { rate_limited: 0.003, overloaded: 0.005, timeout: 0.001, server_error: 0.001, network: 0.001 },
  },
  {
    name: 'gemini-flash',
    follows: { provider: 'google', model: 'gemini-2.0-flash' },
    ttftMs: 300, ttftJitterMs: 150, outputTokensPerSecond: 180,
    failureRates: { rate_limited: 0.006, overloaded: 0.003, timeout: 0.001, server_error: 0.002, network: 0.001, content_filtered: 0.002 },
  },
  {
    name: 'llama-3-8b',
    follows: { provider: 'groq', model: 'llama3-8b-8192' },
    ttftMs: 200, ttftJitterMs: 100, outputTokensPerSecond: 250,
    failureRates: { rate_limited: 0.01, overloaded: 0.005, timeout: 0.002, server_error: 0.003, network: 0.002 },
    contextWindow: 8192,
  },
];

export function simulatedDeploymentId(model: SimulatedModel): string {
  return `simulated/${model.name}`;
}

/** The profile of a simulated deployment: the followed model's, marked simulated. */
export function simulatedModelProfile(model: SimulatedModel, options?: ResolveOptions): ModelProfile {
  const input: Parameters<typeof resolveModelProfile>[0] = {
    id: simulatedDeploymentId(model),
    provider: 'simulated',
    model: model.name,
    priceAs: model.follows,
    latency: { ttftMs: model.ttftMs, outputTokensPerSecond: model.outputTokensPerSecond },
    simulated: true,
  };
  if (model.contextWindow !== undefined) input.contextWindow = model.contextWindow;
  const profile = resolveModelProfile(input, options);
  // Every simulated model can embed: the simulated provider serves deterministic vectors.
  return { ...profile, capabilities: { ...profile.capabilities, embeddings: true } };
}

/**
 * The `settings` the simulated provider takes for this model (see
 * src/providers/simulated/simulated-settings.ts): latency, failure rates, window and output cap,
 * and a token counter (by default the catalog's for this profile, so that the usage it reports
 * matches what the catalog estimates for it).
 */
export function simulatedProviderSettings(model: SimulatedModel, profile: ModelProfile, countTokens?: (text: string) => number): Record<string, unknown> {
  return {
    ttftMs: model.ttftMs,
    ttftJitterMs: model.ttftJitterMs,
    outputTokensPerSecond: model.outputTokensPerSecond,
    failureRates: { ...model.failureRates },
    contextWindow: profile.contextWindow,
    maxOutputTokens: profile.maxOutputTokens,
    countTokens: countTokens ?? ((text: string) => countTextTokens(text, profile.model)),
  };
}

export interface SimulatedDeployment {
  /** `simulated/<name>`. */
  id: string;
  /** The model name the simulated provider answers as. */
  model: string;
  profile: ModelProfile;
  /** For ProviderFactoryOptions.settings of the `simulated` provider. */
  settings: Record<string, unknown>;
}

/** Every built-in simulated deployment, ready to register: profile plus provider settings. */
export function simulatedDeployments(options: ResolveOptions & { failures?: boolean } = {}): SimulatedDeployment[] {
  return SIMULATED_MODELS.map((model) => {
    const profile = simulatedModelProfile(model, options);
    const settings = simulatedProviderSettings(model, profile);
    if (options.failures === false) settings.failures = false;
    return { id: profile.id, model: profile.model, profile, settings };
  });
}
