import type { ModelCapabilities } from '../spec/model-profile.js';

/** The tokenizer we count with for a family, and how far that family's own tokenizer is from it. */
export interface TokenizerChoice {
  encoding: 'o200k_base' | 'cl100k_base';
  /** Multiplier applied to the named encoding's count; 1 for OpenAI's own models. */
  factor: number;
}

/**
 * Defaults for one well-known model family, used where neither the price data nor config gives
 * a value. HAND-MAINTAINED: context windows here are used only when `@pydantic/genai-prices` has
 * none for the model; max output tokens, capabilities and latency are not in the price data at
 * all. Config overrides every field.
 */
export interface ModelFamily {
  family: string;
  /** Tested against the normalized model name (lower case, `_` and `:` turned into `-`). */
  pattern: RegExp;
  contextWindow: number;
  maxOutputTokens: number;
  capabilities: ModelCapabilities;
  /**
   * Declared latency until live stats replace it: rough medians of public measurements of the
   * vendor's own API (time to first token, output tokens per second), rounded.
   */
  latency: { ttftMs: number; outputTokensPerSecond: number };
  tokenizer: TokenizerChoice;
}

const FULL: ModelCapabilities = { tools: true, vision: true, json: true, streaming: true, embeddings: false };
const TEXT_TOOLS: ModelCapabilities = { tools: true, vision: false, json: true, streaming: true, embeddings: false };
const TEXT_ONLY: ModelCapabilities = { tools: false, vision: false, json: false, streaming: true, embeddings: false };
const EMBEDDINGS: ModelCapabilities = { tools: false, vision: false, json: false, streaming: false, embeddings: true };

const O200K: TokenizerChoice = { encoding: 'o200k_base', factor: 1 };
const CL100K: TokenizerChoice = { encoding: 'cl100k_base', factor: 1 };
/*
 * Approximations for families whose tokenizers gpt-tokenizer does not ship. They err high on
 * purpose: an over-count only makes a context check stricter and an estimate a little dearer,
 * while an under-count sends a prompt to a window it overflows.
 * - Claude: Anthropic publishes no tokenizer; side-by-side counts of the same English text and
 *   code come out roughly 15-30% above GPT-4o's o200k_base, so o200k_base x 1.2.
 * - Gemini / Gemma: a 256k-entry SentencePiece vocabulary, close to o200k_base on English;
 *   x 1.1 covers the gap on code and other languages.
 * - Llama 3.x: its 128k vocabulary is cl100k_base plus 28k multilingual tokens, so cl100k_base
 *   counts English almost exactly; x 1.0.
 * - Mistral / Mixtral and other 32k-vocabulary SentencePiece models: cl100k_base x 1.15.
 */
const CLAUDE: TokenizerChoice = { encoding: 'o200k_base', factor: 1.2 };
const GEMINI: TokenizerChoice = { encoding: 'o200k_base', factor: 1.1 };
const LLAMA3: TokenizerChoice = { encoding: 'cl100k_base', factor: 1 };
const SENTENCEPIECE_32K: TokenizerChoice = { encoding: 'cl100k_base', factor: 1.15 };

/** First match wins, so specific rows come before general ones. */
export const MODEL_FAMILIES: readonly ModelFamily[] = [
  { family: 'openai-embedding', pattern: /text-embedding|embedding-ada/, contextWindow: 8191, maxOutputTokens: 0, capabilities: EMBEDDINGS, latency: { ttftMs: 150, outputTokensPerSecond: 0 }, tokenizer: CL100K },
  { family: 'gpt-4o-mini', pattern: /gpt-4o-mini/, contextWindow: 128_000, maxOutputTokens: 16_384, capabilities: FULL, latency: { ttftMs: 400, outputTokensPerSecond: 85 }, tokenizer: O200K },
  { family: 'gpt-4o', pattern: /gpt-4o|chatgpt-4o/, contextWindow: 128_000, maxOutputTokens: 16_384, capabilities: FULL, latency: { ttftMs: 450, outputTokensPerSecond: 90 }, tokenizer: O200K },
  { family: 'gpt-4.1-small', pattern: /gpt-4\.1-(mini|nano)/, contextWindow: 1_047_576, maxOutputTokens: 32_768, capabilities: FULL, latency: { ttftMs: 350, outputTokensPerSecond: 120 }, tokenizer: O200K },
  { family: 'gpt-4.1', pattern: /gpt-4\.1/, contextWindow: 1_047_576, maxOutputTokens: 32_768, capabilities: FULL, latency: { ttftMs: 450, outputTokensPerSecond: 100 }, tokenizer: O200K },
  { family: 'gpt-5-small', pattern: /gpt-5(\.\d+)?-(mini|nano)/, contextWindow: 400_000, maxOutputTokens: 128_000, capabilities: FULL, latency: { ttftMs: 2000, outputTokensPerSecond: 120 }, tokenizer: O200K },
  { family: 'gpt-5', pattern: /gpt-5/, contextWindow: 400_000, maxOutputTokens: 128_000, capabilities: FULL, latency: { ttftMs: 3000, outputTokensPerSecond: 80 }, tokenizer: O200K },
  { family: 'openai-o-series', pattern: /^o[134](-|$)/, contextWindow: 200_000, maxOutputTokens: 100_000, capabilities: FULL, latency: { ttftMs: 5000, outputTokensPerSecond: 80 }, tokenizer: O200K },
  { family: 'gpt-oss', pattern: /gpt-oss/, contextWindow: 131_072, maxOutputTokens: 32_768, capabilities: TEXT_TOOLS, latency: { ttftMs: 300, outputTokensPerSecond: 250 }, tokenizer: O200K },
  { family: 'gpt-4-turbo', pattern: /gpt-4-turbo|gpt-4-\d{4}-preview/, contextWindow: 128_000, maxOutputTokens: 4096, capabilities: FULL, latency: { ttftMs: 700, outputTokensPerSecond: 35 }, tokenizer: CL100K },
  { family: 'gpt-4', pattern: /gpt-4(?![o.])/, contextWindow: 8192, maxOutputTokens: 8192, capabilities: TEXT_TOOLS, latency: { ttftMs: 800, outputTokensPerSecond: 25 }, tokenizer: CL100K },
  { family: 'gpt-3.5-turbo', pattern: /gpt-3\.5/, contextWindow: 16_385, maxOutputTokens: 4096, capabilities: TEXT_TOOLS, latency: { ttftMs: 400, outputTokensPerSecond: 100 }, tokenizer: CL100K },
  { family: 'claude-3-haiku', pattern: /claude-3-haiku/, contextWindow: 200_000, maxOutputTokens: 4096, capabilities: FULL, latency: { ttftMs: 500, outputTokensPerSecond: 130 }, tokenizer: CLAUDE },
  { family: 'claude-3.5-haiku', pattern: /claude-3[-.]5-haiku/, contextWindow: 200_000, maxOutputTokens: 8192, capabilities: FULL, latency: { ttftMs: 700, outputTokensPerSecond: 65 }, tokenizer: CLAUDE },
  { family: 'claude-haiku', pattern: /haiku/, contextWindow: 200_000, maxOutputTokens: 64_000, capabilities: FULL, latency: { ttftMs: 600, outputTokensPerSecond: 110 }, tokenizer: CLAUDE },
  { family: 'claude-3.5-sonnet', pattern: /claude-3[-.]5-sonnet/, contextWindow: 200_000, maxOutputTokens: 8192, capabilities: FULL, latency: { ttftMs: 900, outputTokensPerSecond: 60 }, tokenizer: CLAUDE },
  { family: 'claude-sonnet', pattern: /sonnet/, contextWindow: 200_000, maxOutputTokens: 64_000, capabilities: FULL, latency: { ttftMs: 1000, outputTokensPerSecond: 60 }, tokenizer: CLAUDE },
  { family: 'claude-opus', pattern: /opus/, contextWindow: 200_000, maxOutputTokens: 32_000, capabilities: FULL, latency: { ttftMs: 1500, outputTokensPerSecond: 30 }, tokenizer: CLAUDE },
  { family: 'claude', pattern: /claude/, contextWindow: 200_000, maxOutputTokens: 4096, capabilities: FULL, latency: { ttftMs: 1000, outputTokensPerSecond: 50 }, tokenizer: CLAUDE },
  { family: 'gemini-embedding', pattern: /gemini-embedding|text-embedding-00/, contextWindow: 2048, maxOutputTokens: 0, capabilities: EMBEDDINGS, latency: { ttftMs: 150, outputTokensPerSecond: 0 }, tokenizer: GEMINI },
  { family: 'gemini-1.5-flash', pattern: /gemini-1\.5-flash|gemini-flash-1\.5/, contextWindow: 1_048_576, maxOutputTokens: 8192, capabilities: FULL, latency: { ttftMs: 350, outputTokensPerSecond: 180 }, tokenizer: GEMINI },
  { family: 'gemini-2.0-flash', pattern: /gemini-2\.0-flash/, contextWindow: 1_048_576, maxOutputTokens: 8192, capabilities: FULL, latency: { ttftMs: 350, outputTokensPerSecond: 180 }, tokenizer: GEMINI },
  { family: 'gemini-flash', pattern: /gemini.*flash/, contextWindow: 1_048_576, maxOutputTokens: 65_536, capabilities: FULL, latency: { ttftMs: 500, outputTokensPerSecond: 200 }, tokenizer: GEMINI },
  { family: 'gemini-pro', pattern: /gemini.*pro/, contextWindow: 1_048_576, maxOutputTokens: 65_536, capabilities: FULL, latency: { ttftMs: 1500, outputTokensPerSecond: 90 }, tokenizer: GEMINI },
  { family: 'gemma', pattern: /gemma/, contextWindow: 8192, maxOutputTokens: 4096, capabilities: TEXT_ONLY, latency: { ttftMs: 300, outputTokensPerSecond: 80 }, tokenizer: GEMINI },
  // Llama 3.1-3.3: 128k context. Sizes matter for quality, so they are separate rows.
  { family: 'llama-3.1-70b', pattern: /llama-?3\.[123].*\b(70|90|405)b/, contextWindow: 131_072, maxOutputTokens: 8192, capabilities: TEXT_TOOLS, latency: { ttftMs: 500, outputTokensPerSecond: 60 }, tokenizer: LLAMA3 },
  { family: 'llama-3.1-8b', pattern: /llama-?3\.[123]/, contextWindow: 131_072, maxOutputTokens: 8192, capabilities: TEXT_TOOLS, latency: { ttftMs: 300, outputTokensPerSecond: 150 }, tokenizer: LLAMA3 },
  // Llama 3 (April 2024) has an 8k window; `llama3` alone is Ollama's tag for the 8B.
  { family: 'llama-3-70b', pattern: /llama-?3-.*\b70b/, contextWindow: 8192, maxOutputTokens: 4096, capabilities: TEXT_ONLY, latency: { ttftMs: 500, outputTokensPerSecond: 60 }, tokenizer: LLAMA3 },
  { family: 'llama-3-8b', pattern: /llama-?3(?![.\d])/, contextWindow: 8192, maxOutputTokens: 4096, capabilities: TEXT_ONLY, latency: { ttftMs: 300, outputTokensPerSecond: 150 }, tokenizer: LLAMA3 },
  { family: 'llama', pattern: /llama/, contextWindow: 8192, maxOutputTokens: 4096, capabilities: TEXT_ONLY, latency: { ttftMs: 400, outputTokensPerSecond: 80 }, tokenizer: SENTENCEPIECE_32K },
  { family: 'mistral', pattern: /mistral|mixtral|ministral|codestral|pixtral/, contextWindow: 32_768, maxOutputTokens: 8192, capabilities: TEXT_TOOLS, latency: { ttftMs: 400, outputTokensPerSecond: 90 }, tokenizer: SENTENCEPIECE_32K },
  { family: 'deepseek', pattern: /deepseek/, contextWindow: 64_000, maxOutputTokens: 8192, capabilities: TEXT_TOOLS, latency: { ttftMs: 1500, outputTokensPerSecond: 30 }, tokenizer: CL100K },
  { family: 'qwen', pattern: /qwen/, contextWindow: 32_768, maxOutputTokens: 8192, capabilities: TEXT_TOOLS, latency: { ttftMs: 500, outputTokensPerSecond: 60 }, tokenizer: CL100K },
];

/**
 * For models no row matches: a small window and no tools, vision or JSON until config says
 * otherwise, so the router never sends a request to a model that silently cannot serve it.
 */
export const UNKNOWN_MODEL_FAMILY: ModelFamily = {
  family: 'unknown',
  pattern: /(?:)/,
  contextWindow: 8192,
  maxOutputTokens: 4096,
  capabilities: TEXT_ONLY,
  latency: { ttftMs: 800, outputTokensPerSecond: 50 },
  tokenizer: { encoding: 'cl100k_base', factor: 1.1 },
};

export function normalizeModelName(model: string): string {
  return model.toLowerCase().trim().replace(/[_:]/g, '-');
}

const familyCache = new Map<string, ModelFamily>();

/** The first family whose pattern matches the model name, or UNKNOWN_MODEL_FAMILY. */
export function findModelFamily(model: string): ModelFamily {
  const cached = familyCache.get(model);
  if (cached) return cached;
  const name = normalizeModelName(model);
  const found = MODEL_FAMILIES.find((f) => f.pattern.test(name)) ?? UNKNOWN_MODEL_FAMILY;
  if (familyCache.size < 10_000) familyCache.set(model, found);
  return found;
}
