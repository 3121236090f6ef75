export { openaiProvider, createOpenAICompatibleProvider, OPENAI_COMPATIBLE_PROVIDERS } from './openai-provider.js';
export {
  AZURE_DEFAULT_API_VERSION,
  OPENAI_COMPATIBLE_PRESETS,
  findOpenAICompatiblePreset,
  type OpenAICompatiblePreset,
  type OpenAICompatiblePresetName,
} from './openai-presets.js';
export { resolveOpenAIConfig } from './resolve-openai-config.js';
export { detectOpenAIPresets, type DetectedOpenAIPreset } from './detect-openai-presets.js';
