const CAPABILITIES = { tools: false, vision: false, json: true, streaming: true, embeddings: false };

/**
 * A config deployment on the `fake` provider whose requests (10 input + 5 output tokens at
 * $200/MTok) cost $0.003 each, so a $1.00 budget lasts 333 of them.
 */
export function pricedDeployment(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    provider: 'fake',
    model: id.split('/')[1],
    pricing: { inputPerMTok: 200, outputPerMTok: 200, cachedInputPerMTok: 0 },
    contextWindow: 32_000,
    maxOutputTokens: 4_000,
    capabilities: CAPABILITIES,
    quality: { default: 0.8 },
    latency: { ttftMs: 200, outputTokensPerSecond: 100 },
    ...extra,
  };
}
