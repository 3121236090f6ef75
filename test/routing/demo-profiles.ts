import type { ModelProfile } from '../../src/spec/index.js';

/**
 * Six deployments resembling well-known models (list prices per 1M tokens and context windows
 * as published in late 2024; quality per task is a plausible ordering, not a measurement).
 */
function profile(
  id: string,
  fields: {
    input: number;
    output: number;
    contextWindow: number;
    maxOutputTokens: number;
    quality: ModelProfile['quality'];
    ttftMs: number;
    tps: number;
    vision?: boolean;
    tools?: boolean;
    json?: boolean;
  },
): ModelProfile {
  const [provider = 'openai', model = id] = id.split('/');
  return {
    id,
    provider,
    model,
    pricing: { inputPerMTok: fields.input, outputPerMTok: fields.output, cachedInputPerMTok: fields.input / 2 },
    contextWindow: fields.contextWindow,
    maxOutputTokens: fields.maxOutputTokens,
    capabilities: {
      tools: fields.tools ?? true,
      vision: fields.vision ?? true,
      json: fields.json ?? true,
      streaming: true,
      embeddings: false,
    },
    quality: fields.quality,
    latency: { ttftMs: fields.ttftMs, outputTokensPerSecond: fields.tps },
    limits: {},
    source: { pricing: 'config', quality: 'config' },
    simulated: false,
  };
}

export const GPT_4O = profile('openai/gpt-4o', {
  input: 2.5, output: 10, contextWindow: 128_000, maxOutputTokens: 16_384,
  quality: { default: 0.88, coding: 0.9, math: 0.85, reasoning: 0.88, chat: 0.9, creative: 0.88 }, ttftMs: 450, tps: 90,
});
export const GPT_4O_MINI = profile('openai/gpt-4o-mini', {
  input: 0.15, output: 0.6, contextWindow: 128_000, maxOutputTokens: 16_384,
  quality: { default: 0.8, coding: 0.78, math: 0.72, reasoning: 0.76, chat: 0.85 }, ttftMs: 400, tps: 110,
});
export const CLAUDE_SONNET = profile('anthropic/claude-sonnet', {
  input: 3, output: 15, contextWindow: 200_000, maxOutputTokens: 8_192,
  quality: { default: 0.9, coding: 0.95, math: 0.86, reasoning: 0.9, chat: 0.9, creative: 0.92 }, ttftMs: 700, tps: 70,
});
export const CLAUDE_HAIKU = profile('anthropic/claude-haiku', {
  input: 0.8, output: 4, contextWindow: 200_000, maxOutputTokens: 8_192,
  quality: { default: 0.79, coding: 0.8, math: 0.7, reasoning: 0.75, chat: 0.84 }, ttftMs: 500, tps: 120, vision: false,
});
export const GEMINI_FLASH = profile('gemini/gemini-flash', {
  input: 0.1, output: 0.4, contextWindow: 1_048_576, maxOutputTokens: 8_192,
  quality: { default: 0.8, coding: 0.76, math: 0.78, reasoning: 0.77, chat: 0.83, summarization: 0.84 }, ttftMs: 350, tps: 180,
});
export const LLAMA_8B = profile('local/llama-3.1-8b', {
  input: 0.05, output: 0.08, contextWindow: 8_192, maxOutputTokens: 4_096,
  quality: { default: 0.62, coding: 0.55, math: 0.5, reasoning: 0.58, chat: 0.78, summarization: 0.7 }, ttftMs: 200, tps: 300,
  vision: false, json: false,
});

export const DEMO_PROFILES: readonly ModelProfile[] = [GPT_4O, GPT_4O_MINI, CLAUDE_SONNET, CLAUDE_HAIKU, GEMINI_FLASH, LLAMA_8B];
