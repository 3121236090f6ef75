import type { ChatModel } from '../spec/chat-model.js';
import type { UpstreamPools } from '../http/upstream-pools.js';

/** What the engine hands an adapter to build one deployment's ChatModel. */
export interface ProviderFactoryOptions {
  deploymentId: string;
  /** The model name sent upstream. */
  model: string;
  /** Overrides the adapter's default base URL (OpenAI-compatible servers, proxies, tests). */
  baseUrl?: string;
  apiKey?: string;
  /** Extra headers on every upstream call. */
  headers?: Record<string, string>;
  pools: UpstreamPools;
  /** Adapter-specific settings from config, validated by the adapter itself. */
  settings?: Record<string, unknown>;
}

/**
 * One wire protocol family. The engine looks factories up by name in the provider registry and
 * never branches on a provider's name itself.
 */
export interface ProviderFactory {
  /** `openai`, `anthropic`, `gemini`, `simulated`, or an OpenAI-compatible preset. */
  readonly name: string;
  create(options: ProviderFactoryOptions): ChatModel;
}
