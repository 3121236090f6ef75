import { DEFAULT_QUIRKS, type OpenAIAuthStyle, type OpenAICompatibleQuirks } from '../openai-compatible/openai-compatible-config.js';

/** One OpenAI-compatible service as configuration of the shared base adapter. */
export interface OpenAICompatiblePreset {
  /** Provider name in config (`provider: groq`) and in the provider registry. */
  readonly name: string;
  readonly description: string;
  /** Absent where every user has their own URL (Azure resource, a generic server). */
  readonly defaultBaseUrl?: string;
  /** Env var that overrides or supplies the base URL, so config can add the deployment from it. */
  readonly baseUrlEnv?: string;
  /** Env var holding the key; config auto-adds deployments of this preset when it is set. */
  readonly apiKeyEnv?: string;
  /** False for local servers, which usually run without a key. */
  readonly apiKeyRequired: boolean;
  readonly authStyle: OpenAIAuthStyle;
  readonly pathLayout: 'standard' | 'azure-deployment';
  readonly quirks: OpenAICompatibleQuirks;
  /** The service's Batch API and its price against the list price, where it has one. */
  readonly batch?: { readonly priceFactor: number };
}

/** The Azure inference api-version used when settings name none (latest GA data-plane release). */
export const AZURE_DEFAULT_API_VERSION = '2024-10-21';

/*
 * Open-weight servers and most hosted ones know `max_tokens` but not `max_completion_tokens`,
 * and `system` but not `developer`; OpenAI itself and Azure take the newer names (reasoning
 * models reject `max_tokens`). Base URLs are the ones each provider's API reference documents.
 */
const LEGACY_SERVER: OpenAICompatibleQuirks = { ...DEFAULT_QUIRKS, maxTokensField: 'max_tokens', developerRole: false };

export const OPENAI_COMPATIBLE_PRESETS = [
  {
    name: 'openai',
    description: 'OpenAI API',
    defaultBaseUrl: 'https://api.openai.com/v1',
    baseUrlEnv: 'OPENAI_BASE_URL',
    apiKeyEnv: 'OPENAI_API_KEY',
    apiKeyRequired: true,
    authStyle: 'bearer',
    pathLayout: 'standard',
    quirks: DEFAULT_QUIRKS,
    // Batch API work is billed at half the list price (OpenAI pricing page, "Batch API").
    batch: { priceFactor: 0.5 },
  },
  {
    name: 'azure',
    description: 'Azure OpenAI deployments (resource URL in baseUrl or settings.resourceUrl; settings.apiVersion, settings.deployment)',
    baseUrlEnv: 'AZURE_OPENAI_ENDPOINT',
    apiKeyEnv: 'AZURE_OPENAI_API_KEY',
    apiKeyRequired: true,
    authStyle: 'api-key',
    pathLayout: 'azure-deployment',
    quirks: DEFAULT_QUIRKS,
  },
  {
    name: 'vllm',
    description: 'vLLM OpenAI-compatible server',
    defaultBaseUrl: 'http://127.0.0.1:8000/v1',
    baseUrlEnv: 'VLLM_BASE_URL',
    apiKeyEnv: 'VLLM_API_KEY',
    apiKeyRequired: false,
    authStyle: 'bearer',
    pathLayout: 'standard',
    quirks: LEGACY_SERVER,
  },
  {
    name: 'ollama',
    description: 'Ollama OpenAI-compatible endpoint',
    defaultBaseUrl: 'http://127.0.0.1:11434/v1',
    baseUrlEnv: 'OLLAMA_BASE_URL',
    apiKeyRequired: false,
    authStyle: 'none',
    pathLayout: 'standard',
    quirks: LEGACY_SERVER,
  },
  {
    name: 'groq',
    description: 'Groq',
    defaultBaseUrl: 'https://api.groq.com/openai/v1',
    apiKeyEnv: 'GROQ_API_KEY',
    apiKeyRequired: true,
    authStyle: 'bearer',
    pathLayout: 'standard',
    // Groq takes `max_completion_tokens` but answers 400 to `messages[].name`.
    quirks: { ...DEFAULT_QUIRKS, developerRole: false, messageNames: false },
  },
  {
    name: 'together',
    description: 'Together AI',
    defaultBaseUrl: 'https://api.together.ai/v1',
    apiKeyEnv: 'TOGETHER_API_KEY',
    apiKeyRequired: true,
    authStyle: 'bearer',
    pathLayout: 'standard',
    quirks: LEGACY_SERVER,
  },
  {
    name: 'mistral',
    description: 'Mistral AI',
    defaultBaseUrl: 'https://api.mistral.ai/v1',
    apiKeyEnv: 'MISTRAL_API_KEY',
    apiKeyRequired: true,
    authStyle: 'bearer',
    pathLayout: 'standard',
    // Mistral names the seed `random_seed`, has no `user`, and always ends a stream with usage.
    quirks: { ...LEGACY_SERVER, streamUsage: false, renameFields: { seed: 'random_seed' }, dropFields: ['user'] },
  },
  {
    name: 'deepseek',
    description: 'DeepSeek',
    defaultBaseUrl: 'https://api.deepseek.com',
    apiKeyEnv: 'DEEPSEEK_API_KEY',
    apiKeyRequired: true,
    authStyle: 'bearer',
    pathLayout: 'standard',
    // DeepSeek's chat API takes message content as a string only.
    quirks: { ...LEGACY_SERVER, flattenTextContent: true },
  },
  {
    name: 'openrouter',
    description: 'OpenRouter (set HTTP-Referer / X-Title in the provider headers to attribute calls)',
    defaultBaseUrl: 'https://openrouter.ai/api/v1',
    apiKeyEnv: 'OPENROUTER_API_KEY',
    apiKeyRequired: true,
    authStyle: 'bearer',
    pathLayout: 'standard',
    quirks: LEGACY_SERVER,
  },
  {
    name: 'openai-compatible',
    description: 'Any OpenAI-compatible server (baseUrl required; quirks in settings)',
    baseUrlEnv: 'OPENAI_COMPATIBLE_BASE_URL',
    apiKeyEnv: 'OPENAI_COMPATIBLE_API_KEY',
    apiKeyRequired: false,
    authStyle: 'bearer',
    pathLayout: 'standard',
    quirks: LEGACY_SERVER,
  },
] as const satisfies readonly OpenAICompatiblePreset[];

export type OpenAICompatiblePresetName = (typeof OPENAI_COMPATIBLE_PRESETS)[number]['name'];

const byName: ReadonlyMap<string, OpenAICompatiblePreset> = new Map(OPENAI_COMPATIBLE_PRESETS.map((preset) => [preset.name, preset]));

export function findOpenAICompatiblePreset(name: string): OpenAICompatiblePreset | undefined {
  return byName.get(name);
}
