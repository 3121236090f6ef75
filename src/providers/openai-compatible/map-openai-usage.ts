import type { Usage } from '../../spec/usage.js';
import type { OpenAIUsage } from './openai-wire.js';

/** OpenAI's usage object in neutral form; absent counts are 0 (a server that reports nothing costs nothing we can prove). */
export function mapOpenAIUsage(usage: OpenAIUsage | null | undefined): Usage {
  const out: Usage = {
    inputTokens: usage?.prompt_tokens ?? 0,
    outputTokens: usage?.completion_tokens ?? 0,
  };
  const cached = usage?.prompt_tokens_details?.cached_tokens;
  if (typeof cached === 'number') out.cachedInputTokens = cached;
  const reasoning = usage?.completion_tokens_details?.reasoning_tokens;
  if (typeof reasoning === 'number') out.reasoningTokens = reasoning;
  return out;
}
