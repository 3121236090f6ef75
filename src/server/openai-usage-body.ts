import type { Usage } from '../spec/usage.js';

/** OpenAI's usage object, with our cost beside it (`cost_usd`, and `cost_estimated` when we counted the tokens). */
export interface OpenAIUsageBody {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens: number };
  completion_tokens_details?: { reasoning_tokens: number };
  cost_usd: number;
  cost_estimated?: boolean;
}

export function toOpenAIUsageBody(usage: Usage, costUsd: number, estimated = false): OpenAIUsageBody {
  const body: OpenAIUsageBody = {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    cost_usd: costUsd,
  };
  if (usage.cachedInputTokens !== undefined) body.prompt_tokens_details = { cached_tokens: usage.cachedInputTokens };
  if (usage.reasoningTokens !== undefined) body.completion_tokens_details = { reasoning_tokens: usage.reasoningTokens };
  if (estimated) body.cost_estimated = true;
  return body;
}
