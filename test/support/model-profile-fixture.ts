import type { ModelProfile } from '../../src/spec/model-profile.js';

/** A plain chat deployment's profile for unit tests; override what the test is about. */
export function modelProfileFixture(id: string, overrides: Partial<ModelProfile> = {}): ModelProfile {
  return {
    id,
    provider: 'openai',
    model: id,
    pricing: { inputPerMTok: 1, outputPerMTok: 2, cachedInputPerMTok: 0.5 },
    contextWindow: 8_000,
    maxOutputTokens: 1_000,
    capabilities: { tools: true, vision: false, json: true, streaming: true, embeddings: false },
    quality: { default: 0.5 },
    latency: { ttftMs: 300, outputTokensPerSecond: 50 },
    limits: {},
    source: { pricing: 'config', quality: 'default' },
    simulated: false,
    ...overrides,
  };
}
