import type { Usage } from '../../spec/usage.js';
import type { AnthropicUsage } from './anthropic-wire.js';

/**
 * Anthropic's `input_tokens` counts only the prompt tokens after the last cache breakpoint;
 * tokens read from or written to the prompt cache are reported beside it. Our `inputTokens` is
 * the whole prompt (as OpenAI's `prompt_tokens` is), so cost can price the three shares apart:
 * uncached = input - cached - written.
 */
export function mapAnthropicUsage(usage: AnthropicUsage | null | undefined): Usage {
  const uncached = usage?.input_tokens ?? 0;
  const cacheRead = usage?.cache_read_input_tokens ?? 0;
  const cacheWrite = usage?.cache_creation_input_tokens ?? 0;
  const out: Usage = { inputTokens: uncached + cacheRead + cacheWrite, outputTokens: usage?.output_tokens ?? 0 };
  if (cacheRead > 0) out.cachedInputTokens = cacheRead;
  if (cacheWrite > 0) out.cacheWriteTokens = cacheWrite;
  return out;
}

