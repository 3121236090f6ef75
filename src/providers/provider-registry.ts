import { anthropicProvider } from './anthropic/index.js';
import { geminiProvider } from './gemini/index.js';
import { OPENAI_COMPATIBLE_PROVIDERS } from './openai/index.js';
import type { ProviderFactory } from './provider-factory.js';
import { simulatedProvider } from './simulated/index.js';

/** Every provider factory the gateway ships, by the name config uses for it. */
export const PROVIDER_FACTORIES: readonly ProviderFactory[] = [...OPENAI_COMPATIBLE_PROVIDERS, anthropicProvider, geminiProvider, simulatedProvider];

/**
 * Provider type name to factory. The engine looks factories up here and never branches on a
 * provider's name; `extra` adds or replaces factories (plugins, tests).
 */
export function createProviderRegistry(extra: readonly ProviderFactory[] = []): ReadonlyMap<string, ProviderFactory> {
  return new Map([...PROVIDER_FACTORIES, ...extra].map((factory) => [factory.name, factory]));
}
