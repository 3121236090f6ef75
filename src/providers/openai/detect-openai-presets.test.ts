import { describe, expect, it } from 'vitest';
import { detectOpenAIPresets } from './detect-openai-presets.js';

const names = (env: Record<string, string>) => detectOpenAIPresets(env).map((found) => found.preset.name);

describe('detectOpenAIPresets', () => {
  it('finds nothing in an empty environment', () => {
    expect(detectOpenAIPresets({})).toEqual([]);
  });

  it('adds hosted services whose key is set, with their documented base URL', () => {
    const found = detectOpenAIPresets({ GROQ_API_KEY: 'gsk', OPENAI_API_KEY: 'sk', MISTRAL_API_KEY: ' ' });
    expect(found.map((entry) => [entry.preset.name, entry.baseUrl, entry.apiKey])).toEqual([
      ['openai', 'https://api.openai.com/v1', 'sk'],
      ['groq', 'https://api.groq.com/openai/v1', 'gsk'],
    ]);
  });

  it('lets a base URL variable point a preset elsewhere', () => {
    expect(detectOpenAIPresets({ OPENAI_API_KEY: 'sk', OPENAI_BASE_URL: 'http://proxy.local/v1' })[0]?.baseUrl).toBe('http://proxy.local/v1');
  });

  it('needs both the key and the endpoint for Azure', () => {
    expect(names({ AZURE_OPENAI_API_KEY: 'k' })).toEqual([]);
    expect(detectOpenAIPresets({ AZURE_OPENAI_API_KEY: 'k', AZURE_OPENAI_ENDPOINT: 'https://res.openai.azure.com' })[0]).toMatchObject({
      baseUrl: 'https://res.openai.azure.com',
      apiKey: 'k',
    });
  });

  it('adds local servers only when their base URL is set', () => {
    expect(names({ VLLM_API_KEY: 'k' })).toEqual([]);
    expect(detectOpenAIPresets({ OLLAMA_BASE_URL: 'http://127.0.0.1:11434/v1' })).toEqual([
      expect.objectContaining({ baseUrl: 'http://127.0.0.1:11434/v1', preset: expect.objectContaining({ name: 'ollama' }) }),
    ]);
    expect(detectOpenAIPresets({ OPENAI_COMPATIBLE_BASE_URL: 'http://10.0.0.5:8080/v1' })[0]?.preset.name).toBe('openai-compatible');
  });
});
