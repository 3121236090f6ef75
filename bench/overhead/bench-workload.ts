/**
 * The benchmark's deployments, all on the `bench` provider (the fake upstream): `bench/one`, or
 * five behind `model: "auto"` for the policy to choose from.
 */
export function benchDeployments(routed: boolean): Array<{ id: string; provider: string; model: string }> {
  return routed
    ? ['gpt-4o-mini', 'gpt-4.1-mini', 'gpt-4.1-nano', 'gpt-4o', 'gpt-4.1'].map((model, index) => ({ id: `pool/m${index + 1}`, provider: 'bench', model }))
    : [{ id: 'bench/one', provider: 'bench', model: 'gpt-4o-mini' }];
}

/** The chat request every benchmark client sends: a short system prompt and one question. */
export function benchRequestBody(routed: boolean, stream: boolean): string {
  return JSON.stringify({
    model: routed ? 'auto' : 'bench/one',
    stream,
    messages: [
      { role: 'system', content: 'You are a concise assistant for an engineering team.' },
      { role: 'user', content: 'Explain in two sentences why a gateway keeps pooled connections to each upstream and what it saves per request.' },
    ],
  });
}
