import type { DeploymentSpec } from './deployment-spec.js';

/** A provider that is added automatically when its key (or URL) is in the environment. */
export interface EnvProvider {
  /** Provider registry name, also the deployment id prefix. */
  type: string;
  /** The variable holding the key; absent for keyless local servers. */
  keyEnv?: string;
  /** The variable holding the base URL; for keyless servers its presence is what adds them. */
  baseUrlEnv?: string;
  /** Appended to a base URL from the environment when missing (Ollama's OpenAI API lives under /v1). */
  baseUrlSuffix?: string;
  /** Price-data provider name where it differs from the type. */
  priceAs?: string;
  /** A small fast model first, then a stronger one: enough for routing to have a choice. */
  models: readonly string[];
}

export const ENV_PROVIDERS: readonly EnvProvider[] = [
  { type: 'openai', keyEnv: 'OPENAI_API_KEY', models: ['gpt-4o-mini', 'gpt-4o'] },
  { type: 'anthropic', keyEnv: 'ANTHROPIC_API_KEY', models: ['claude-3-5-haiku-latest', 'claude-sonnet-4-5'] },
  { type: 'gemini', keyEnv: 'GEMINI_API_KEY', priceAs: 'google', models: ['gemini-2.0-flash', 'gemini-2.5-pro'] },
  { type: 'groq', keyEnv: 'GROQ_API_KEY', models: ['llama-3.1-8b-instant', 'llama-3.3-70b-versatile'] },
  { type: 'together', keyEnv: 'TOGETHER_API_KEY', models: ['meta-llama/Llama-3.3-70B-Instruct-Turbo'] },
  { type: 'mistral', keyEnv: 'MISTRAL_API_KEY', models: ['mistral-small-latest', 'mistral-large-latest'] },
  { type: 'deepseek', keyEnv: 'DEEPSEEK_API_KEY', models: ['deepseek-chat'] },
  { type: 'openrouter', keyEnv: 'OPENROUTER_API_KEY', models: ['openai/gpt-4o-mini', 'meta-llama/llama-3.1-8b-instruct'] },
  { type: 'ollama', baseUrlEnv: 'OLLAMA_BASE_URL', baseUrlSuffix: '/v1', models: ['llama3.2'] },
];

function withSuffix(url: string, suffix: string | undefined): string {
  const trimmed = url.replace(/\/+$/, '');
  return suffix === undefined || trimmed.endsWith(suffix) ? trimmed : trimmed + suffix;
}

/** Deployments for every provider whose key or URL is set; `OLLAMA_MODELS` (comma-separated) picks Ollama's models. */
export function detectEnvDeployments(env: Readonly<Record<string, string | undefined>>, providers: readonly EnvProvider[] = ENV_PROVIDERS): DeploymentSpec[] {
  const specs: DeploymentSpec[] = [];
  for (const provider of providers) {
    const key = provider.keyEnv !== undefined ? env[provider.keyEnv]?.trim() : undefined;
    const baseUrl = provider.baseUrlEnv !== undefined ? env[provider.baseUrlEnv]?.trim() : undefined;
    const present = provider.keyEnv !== undefined ? key !== undefined && key !== '' : baseUrl !== undefined && baseUrl !== '';
    if (!present) continue;
    const listed = env[`${provider.type.toUpperCase()}_MODELS`];
    const models = listed !== undefined && listed.trim() !== '' ? listed.split(',').map((m) => m.trim()).filter((m) => m !== '') : provider.models;
    for (const model of models) {
      const spec: DeploymentSpec = { id: `${provider.type}/${model}`, type: provider.type, model, source: 'env' };
      if (key !== undefined && key !== '') spec.apiKey = key;
      if (baseUrl !== undefined && baseUrl !== '') spec.baseUrl = withSuffix(baseUrl, provider.baseUrlSuffix);
      if (provider.priceAs !== undefined) spec.profile = { priceAs: { provider: provider.priceAs, model } };
      specs.push(spec);
    }
  }
  return specs;
}
