import type { FakeReply, SeenRequest } from '../support/fake-upstream.js';
import { QUIET_SIMULATED } from './start-test-gateway.js';

const FAKE_CAPABILITIES = { tools: true, vision: false, json: true, streaming: true, embeddings: false };

/**
 * Two deployments on a fake OpenAI-compatible upstream (told apart by the upstream model name)
 * plus one quiet simulated model. `primary` ranks first under `best`: it has the higher quality.
 */
export function testConfig(upstreamUrl: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    simulated: 'off',
    autoDetectProviders: false,
    providers: { fake: { type: 'openai-compatible', baseUrl: `${upstreamUrl}/v1`, apiKey: 'upstream-secret-key' } },
    deployments: [
      {
        id: 'fake/primary',
        provider: 'fake',
        model: 'primary-model',
        pricing: { inputPerMTok: 1, outputPerMTok: 2, cachedInputPerMTok: 0.5 },
        contextWindow: 32_000,
        maxOutputTokens: 4_000,
        capabilities: FAKE_CAPABILITIES,
        quality: { default: 0.95 },
        latency: { ttftMs: 300, outputTokensPerSecond: 80 },
      },
      {
        id: 'fake/backup',
        provider: 'fake',
        model: 'backup-model',
        pricing: { inputPerMTok: 0.1, outputPerMTok: 0.2, cachedInputPerMTok: 0.05 },
        contextWindow: 16_000,
        maxOutputTokens: 2_000,
        capabilities: FAKE_CAPABILITIES,
        quality: { default: 0.5 },
        latency: { ttftMs: 300, outputTokensPerSecond: 80 },
      },
      { id: 'sim/mini', provider: 'simulated', model: 'gpt-4o-mini', settings: QUIET_SIMULATED },
    ],
    aliases: { pair: ['fake/primary', 'fake/backup'] },
    policies: { 'fake-only': { deployments: ['pair'], weights: { quality: 1, cost: 0, latency: 0, reliability: 0 } } },
    ...extra,
  };
}

/** Answers by upstream model name; tests swap the per-model handlers. */
export type Script = Record<string, (request: SeenRequest) => FakeReply>;

export function scripted(script: () => Script): (request: SeenRequest) => FakeReply {
  return (request) => {
    const model = (request.json as { model?: string } | undefined)?.model ?? '';
    const handler = script()[model];
    if (handler === undefined) return { kind: 'json', status: 404, body: { error: { message: `no model ${model}`, type: 'invalid_request_error', code: 'model_not_found' } } };
    return handler(request);
  };
}
