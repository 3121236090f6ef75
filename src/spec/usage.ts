/** Token counts as the upstream reported them (or as we counted them where it did not). */
export interface Usage {
  /** All prompt tokens, cached ones included. */
  inputTokens: number;
  outputTokens: number;
  /** Prompt tokens served from the provider's prompt cache (billed at the cached price). */
  cachedInputTokens?: number;
  /** Prompt tokens written to the provider's cache (Anthropic bills these at a premium). */
  cacheWriteTokens?: number;
  /** Output tokens spent on hidden reasoning; already included in `outputTokens`. */
  reasoningTokens?: number;
}
