import type { Usage } from '../../spec/usage.js';
import type { GeminiUsageMetadata } from './gemini-wire.js';

/**
 * Maps Gemini's `usageMetadata` to neutral usage. Google bills thinking as output, but reports
 * it apart from `candidatesTokenCount`, so output tokens are candidates plus thoughts, with the
 * thoughts also given as `reasoningTokens`. Input tokens are the prompt plus
 * `toolUsePromptTokenCount` (results of built-in tools fed back as prompt); the cached share
 * of the prompt is `cachedContentTokenCount`.
 */
export function mapGeminiUsage(metadata: GeminiUsageMetadata | undefined): Usage {
  const thoughts = metadata?.thoughtsTokenCount ?? 0;
  const usage: Usage = {
    inputTokens: (metadata?.promptTokenCount ?? 0) + (metadata?.toolUsePromptTokenCount ?? 0),
    outputTokens: (metadata?.candidatesTokenCount ?? 0) + thoughts,
  };
  if (metadata?.cachedContentTokenCount !== undefined) usage.cachedInputTokens = metadata.cachedContentTokenCount;
  if (metadata?.thoughtsTokenCount !== undefined) usage.reasoningTokens = thoughts;
  return usage;
}
