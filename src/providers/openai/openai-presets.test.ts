import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../spec/chat-request.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { UpstreamPools } from '../../http/upstream-pools.js';
import { startFakeUpstream, type FakeUpstream } from '../../../test/support/fake-upstream.js';
import { loadFixtureJson } from '../../../test/support/fixtures.js';
import type { ProviderFactory, ProviderFactoryOptions } from '../provider-factory.js';
import { OPENAI_COMPATIBLE_PROVIDERS, openaiProvider } from './openai-provider.js';
import { OPENAI_COMPATIBLE_PRESETS, findOpenAICompatiblePreset } from './openai-presets.js';

const request: ChatRequest = {
  model: 'auto',
  messages: [
    { role: 'developer', content: 'Be brief.' },
    { role: 'user', content: 'Say hello.', name: 'ada' },
  ],
  maxOutputTokens: 32,
  seed: 11,
  user: 'user-1',
};

function provider(name: string): ProviderFactory {
  const found = OPENAI_COMPATIBLE_PROVIDERS.find((factory) => factory.name === name);
  if (found === undefined) throw new Error(`no provider ${name}`);
  return found;
}

describe('OpenAI-compatible presets on the wire', () => {
  let upstream: FakeUpstream;
  let pools: UpstreamPools;
  const create = (name: string, options: Partial<ProviderFactoryOptions>) =>
    provider(name).create({ deploymentId: `${name}/test`, model: 'test-model', pools, ...options });

  beforeAll(async () => {
    upstream = await startFakeUpstream(() => ({ kind: 'json', body: loadFixtureJson('providers/openai/openai-text.json') }));
    pools = new UpstreamPools();
  });
  beforeEach(() => {
    upstream.requests.length = 0;
  });
  afterAll(async () => {
    await pools.close();
    await upstream.close();
  });

  it('openai: bearer key, /chat/completions under the base URL, max_completion_tokens, developer role', async () => {
    await create('openai', { baseUrl: `${upstream.url}/v1`, apiKey: 'sk-openai-key' }).complete(request, {});
    const seen = upstream.requests[0];
    expect(seen?.path).toBe('/v1/chat/completions');
    expect(seen?.headers.authorization).toBe('Bearer sk-openai-key');
    expect(seen?.headers['api-key']).toBeUndefined();
    expect(seen?.json).toMatchObject({ model: 'test-model', max_completion_tokens: 32, seed: 11, user: 'user-1' });
    expect((seen?.json as { messages: Array<{ role: string }> }).messages[0]?.role).toBe('developer');
  });

  it('azure: deployment path with api-version, api-key header and no bearer token', async () => {
    const model = create('azure', { baseUrl: `${upstream.url}/`, apiKey: 'azure-key', settings: { deployment: 'gpt-4o-prod', apiVersion: '2024-10-21' } });
    await model.complete(request, {});
    await model.embed?.({ model: 'auto', input: ['x'] }, {}).catch(() => undefined);
    const [chat, embeddings] = upstream.requests;
    expect(chat?.path).toBe('/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21');
    expect(chat?.headers['api-key']).toBe('azure-key');
    expect(chat?.headers.authorization).toBeUndefined();
    expect(embeddings?.path).toBe('/openai/deployments/gpt-4o-prod/embeddings?api-version=2024-10-21');
  });

  it('azure: resource URL from settings, deployment defaulting to the model and the default api-version', async () => {
    await create('azure', { apiKey: 'azure-key', settings: { resourceUrl: upstream.url } }).complete(request, {});
    expect(upstream.requests[0]?.path).toBe('/openai/deployments/test-model/chat/completions?api-version=2024-10-21');
  });

  it('ollama: no auth header, legacy max_tokens, system instead of developer', async () => {
    await create('ollama', { baseUrl: `${upstream.url}/v1`, apiKey: 'ignored' }).complete(request, {});
    const seen = upstream.requests[0];
    expect(seen?.path).toBe('/v1/chat/completions');
    expect(seen?.headers.authorization).toBeUndefined();
    expect(seen?.headers['api-key']).toBeUndefined();
    expect(seen?.json).toMatchObject({ max_tokens: 32 });
    expect(seen?.json).not.toHaveProperty('max_completion_tokens');
    expect((seen?.json as { messages: Array<{ role: string }> }).messages[0]?.role).toBe('system');
  });

  it('openrouter: provider headers such as HTTP-Referer and X-Title go on every call', async () => {
    await create('openrouter', { baseUrl: upstream.url, apiKey: 'or-key', headers: { 'HTTP-Referer': 'https://example.com', 'X-Title': 'Example' } }).complete(request, {});
    const seen = upstream.requests[0];
    expect(seen?.headers['http-referer']).toBe('https://example.com');
    expect(seen?.headers['x-title']).toBe('Example');
    expect(seen?.headers.authorization).toBe('Bearer or-key');
  });

  it('mistral: random_seed, no user, no stream_options when streaming', async () => {
    upstream.setHandler(() => ({ kind: 'sse', events: [{ data: { id: 'x', model: 'm', created: 1, choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: 'stop' }], usage: { prompt_tokens: 3, completion_tokens: 1 } } }, { data: '[DONE]' }] }));
    const parts = [];
    for await (const part of create('mistral', { baseUrl: upstream.url, apiKey: 'm-key' }).stream({ ...request, stream: true }, {})) parts.push(part);
    upstream.setHandler(() => ({ kind: 'json', body: loadFixtureJson('providers/openai/openai-text.json') }));
    const seen = upstream.requests[0]?.json as Record<string, unknown>;
    expect(seen).toMatchObject({ random_seed: 11, stream: true, max_tokens: 32 });
    expect(seen).not.toHaveProperty('seed');
    expect(seen).not.toHaveProperty('user');
    expect(seen).not.toHaveProperty('stream_options');
    expect(parts.at(-1)).toEqual({ type: 'usage', usage: { inputTokens: 3, outputTokens: 1 } });
  });

  it('groq: drops message names', async () => {
    await create('groq', { baseUrl: upstream.url, apiKey: 'g-key' }).complete(request, {});
    const messages = (upstream.requests[0]?.json as { messages: Array<Record<string, unknown>> }).messages;
    expect(messages[1]).toEqual({ role: 'user', content: 'Say hello.' });
  });

  it('settings can override a quirk of the preset', async () => {
    await create('vllm', { baseUrl: upstream.url, settings: { maxTokensField: 'max_completion_tokens' } }).complete(request, {});
    expect(upstream.requests[0]?.json).toMatchObject({ max_completion_tokens: 32 });
    expect(upstream.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('refuses bad configuration at creation with a typed error', () => {
    const refused = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        expect(error).toBeInstanceOf(GatewayError);
        return error as GatewayError;
      }
      throw new Error('expected a refusal');
    };
    expect(refused(() => create('openai', {})).message).toContain('OPENAI_API_KEY');
    expect(refused(() => create('azure', { apiKey: 'k' })).message).toContain('AZURE_OPENAI_ENDPOINT');
    expect(refused(() => create('openai-compatible', {})).code).toBe('invalid_config');
    const typo = refused(() => create('vllm', { settings: { maxTokenField: 'max_tokens' } }));
    expect(typo.code).toBe('invalid_config');
    expect(typo.message).toContain('maxTokenField');
  });
});

describe('OPENAI_COMPATIBLE_PRESETS', () => {
  it('has one factory per preset under the preset name', () => {
    expect(OPENAI_COMPATIBLE_PROVIDERS.map((factory) => factory.name)).toEqual(OPENAI_COMPATIBLE_PRESETS.map((preset) => preset.name));
    expect(new Set(OPENAI_COMPATIBLE_PRESETS.map((preset) => preset.name)).size).toBe(OPENAI_COMPATIBLE_PRESETS.length);
    expect(openaiProvider.name).toBe('openai');
  });

  it('names the documented base URLs and key variables', () => {
    const table = Object.fromEntries(OPENAI_COMPATIBLE_PRESETS.map((preset) => [preset.name, preset]));
    expect(table.openai).toMatchObject({ defaultBaseUrl: 'https://api.openai.com/v1', apiKeyEnv: 'OPENAI_API_KEY', authStyle: 'bearer' });
    expect(table.azure).toMatchObject({ apiKeyEnv: 'AZURE_OPENAI_API_KEY', authStyle: 'api-key', pathLayout: 'azure-deployment' });
    expect(table.ollama).toMatchObject({ defaultBaseUrl: 'http://127.0.0.1:11434/v1', baseUrlEnv: 'OLLAMA_BASE_URL', authStyle: 'none', apiKeyRequired: false });
    expect(table.groq).toMatchObject({ defaultBaseUrl: 'https://api.groq.com/openai/v1', apiKeyEnv: 'GROQ_API_KEY' });
    expect(table.together).toMatchObject({ apiKeyEnv: 'TOGETHER_API_KEY' });
    expect(table.mistral).toMatchObject({ defaultBaseUrl: 'https://api.mistral.ai/v1', apiKeyEnv: 'MISTRAL_API_KEY' });
    expect(table.deepseek).toMatchObject({ defaultBaseUrl: 'https://api.deepseek.com', apiKeyEnv: 'DEEPSEEK_API_KEY' });
    expect(table.openrouter).toMatchObject({ defaultBaseUrl: 'https://openrouter.ai/api/v1', apiKeyEnv: 'OPENROUTER_API_KEY' });
    expect(findOpenAICompatiblePreset('vllm')?.apiKeyRequired).toBe(false);
    expect(findOpenAICompatiblePreset('anthropic')).toBeUndefined();
  });
});
