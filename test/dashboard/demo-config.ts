/**
 * Six simulated models, faster than their defaults so that a test sees plenty of traffic, with
 * one failing model (claude-sonnet: every call overloaded or rate-limited) so that fallbacks, an open breaker and
 * failed requests show whatever order the calls arrive in.
 */
export function demoConfig(dataDir: string): Record<string, unknown> {
  const fast = { ttftJitterMs: 20, outputTokensPerSecond: 4000, answerTokens: { min: 20, max: 80 } };
  const models: Array<[string, Record<string, unknown>]> = [
    ['gpt-4o', { ttftMs: 60 }],
    ['gpt-4o-mini', { ttftMs: 35 }],
    ['claude-sonnet', { ttftMs: 90, failureRates: { overloaded: 0.85, rate_limited: 0.15 } }],
    ['claude-haiku', { ttftMs: 50 }],
    ['gemini-flash', { ttftMs: 30 }],
    ['llama-3-8b', { ttftMs: 20 }],
  ];
  return {
    simulated: 'off',
    autoDetectProviders: false,
    dataDir,
    deployments: models.map(([model, settings]) => ({ id: `simulated/${model}`, provider: 'simulated', model, settings: { ...fast, ...settings } })),
    policies: { quality: { weights: { quality: 1, cost: 0.1, latency: 0.1, reliability: 0.2 } } },
    telemetry: { decisions: { store: 'memory' } },
    logging: { level: 'silent' },
  };
}

/** Prompts of several task types, so that the routing mix has rows. */
export const DEMO_PROMPTS: ReadonlyArray<{ content: string; model: string }> = [
  { content: 'Write a Python function that parses an ISO 8601 date and returns a datetime.', model: 'auto' },
  { content: 'What is 17 * 23 + 4? Show your steps.', model: 'auto' },
  { content: 'Translate "good morning, how are you?" into French and German.', model: 'auto' },
  { content: 'Summarize: The quarterly report shows revenue up 12% while costs fell 3%, driven by cloud sales.', model: 'auto' },
  { content: 'hi! how is your day going?', model: 'auto' },
  { content: 'Prove that the square root of 2 is irrational.', model: 'quality' },
  { content: 'Extract the names and emails from: Ann (ann@example.com), Bob (bob@example.org).', model: 'auto' },
  { content: 'Write a short poem about trains at dusk.', model: 'quality' },
  // Straight to the failing model: no other candidate, so these fail for the client.
  { content: 'Review this function for bugs: def f(x): return x / 0', model: 'simulated/claude-sonnet' },
];
