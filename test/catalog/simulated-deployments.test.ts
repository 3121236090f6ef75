import { afterAll, describe, expect, it } from 'vitest';
import { countChatTokens, estimateRequestCostUsd, simulatedDeployments } from '../../src/catalog/index.js';
import { computeCostUsd } from '../../src/catalog/compute-cost-usd.js';
import { GatewayError } from '../../src/errors/gateway-error.js';
import { UpstreamPools } from '../../src/http/upstream-pools.js';
import { simulatedProvider } from '../../src/providers/simulated/index.js';
import type { ChatRequest } from '../../src/spec/chat-request.js';

// The catalog builds the simulated deployments; the provider runs them. This checks that the
// two agree: the provider accepts the catalog's settings, and reports the usage the catalog
// estimates, so that routing estimates and settled costs of simulated traffic line up.
const pools = new UpstreamPools();
afterAll(async () => {
  await pools.close();
});

const request: ChatRequest = {
  model: 'auto',
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'Summarize the quarterly report in two sentences.' },
  ],
};

describe('simulated deployments', () => {
  const deployments = simulatedDeployments({ failures: false });

  for (const deployment of deployments) {
    it(`${deployment.id} reports the input tokens the catalog counts`, async () => {
      const model = simulatedProvider.create({ deploymentId: deployment.id, model: deployment.model, pools, settings: { ...deployment.settings, ttftMs: 0, ttftJitterMs: 0, outputTokensPerSecond: 1e9 } });
      const response = await model.complete(request, {});
      expect(response.usage.inputTokens).toBe(countChatTokens(request, deployment.profile));
      expect(response.choices[0]?.message.content).toMatch(new RegExp(`^\\[simulated ${deployment.model}\\]`));
      const cost = computeCostUsd(response.usage, deployment.profile.pricing);
      expect(cost).toBeCloseTo(estimateRequestCostUsd(deployment.profile, response.usage.inputTokens, response.usage.outputTokens), 12);
      expect(cost).toBeGreaterThan(0);
    });
  }

  it('refuses a long document on the small-window model', async () => {
    const small = deployments.find((d) => d.profile.contextWindow <= 8192);
    if (!small) throw new Error('no small-window simulated model');
    const model = simulatedProvider.create({ deploymentId: small.id, model: small.model, pools, settings: { ...small.settings, ttftMs: 0 } });
    const longDocument: ChatRequest = { model: 'auto', messages: [{ role: 'user', content: 'The board met and approved the plan. '.repeat(2000) }] };
    expect(countChatTokens(longDocument, small.profile)).toBeGreaterThan(small.profile.contextWindow);
    await expect(model.complete(longDocument, {})).rejects.toSatisfy((error) => error instanceof GatewayError && error.code === 'context_length_exceeded');
  });
});
