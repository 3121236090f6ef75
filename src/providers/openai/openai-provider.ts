import { OpenAICompatibleChatModel } from '../openai-compatible/openai-compatible-chat-model.js';
import type { ProviderFactory } from '../provider-factory.js';
import { OPENAI_COMPATIBLE_PRESETS, type OpenAICompatiblePreset } from './openai-presets.js';
import { resolveOpenAIConfig } from './resolve-openai-config.js';

/** A provider factory for one preset: the shared base adapter with that preset's configuration. */
export function createOpenAICompatibleProvider(preset: OpenAICompatiblePreset): ProviderFactory {
  return {
    name: preset.name,
    create: (options) => new OpenAICompatibleChatModel(resolveOpenAIConfig(preset, options), options.pools),
  };
}

const [openaiPreset, ...otherPresets] = OPENAI_COMPATIBLE_PRESETS;

/** The `openai` provider: OpenAI's own API. */
export const openaiProvider: ProviderFactory = createOpenAICompatibleProvider(openaiPreset);

/** One factory per preset (`openai`, `azure`, `vllm`, `ollama`, `groq`, ...), built once for the registry. */
export const OPENAI_COMPATIBLE_PROVIDERS: readonly ProviderFactory[] = [openaiProvider, ...otherPresets.map(createOpenAICompatibleProvider)];
