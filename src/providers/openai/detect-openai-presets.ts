import { OPENAI_COMPATIBLE_PRESETS, type OpenAICompatiblePreset } from './openai-presets.js';

/** A preset the environment makes usable, with the base URL and key it supplies. */
export interface DetectedOpenAIPreset {
  preset: OpenAICompatiblePreset;
  baseUrl: string;
  apiKey?: string;
}

/**
 * The presets whose environment variables are set, for config to add deployments from without
 * a config file: hosted services when their key is set (Azure also needs its endpoint), local
 * servers when their base URL is set (a default URL alone says nothing about a server running).
 */
export function detectOpenAIPresets(env: Record<string, string | undefined>): DetectedOpenAIPreset[] {
  const out: DetectedOpenAIPreset[] = [];
  for (const preset of OPENAI_COMPATIBLE_PRESETS as readonly OpenAICompatiblePreset[]) {
    const apiKey = preset.apiKeyEnv !== undefined ? nonEmpty(env[preset.apiKeyEnv]) : undefined;
    const envBaseUrl = preset.baseUrlEnv !== undefined ? nonEmpty(env[preset.baseUrlEnv]) : undefined;
    const baseUrl = envBaseUrl ?? preset.defaultBaseUrl;
    if (baseUrl === undefined) continue;
    const usable = preset.apiKeyRequired ? apiKey !== undefined : envBaseUrl !== undefined;
    if (!usable) continue;
    out.push(apiKey !== undefined ? { preset, baseUrl, apiKey } : { preset, baseUrl });
  }
  return out;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}
