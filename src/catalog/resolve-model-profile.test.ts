import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/gateway-error.js';
import { lookupModelPrice } from './lookup-model-price.js';
import { resolveModelProfile } from './resolve-model-profile.js';
import { SIMULATED_MODELS, simulatedDeployments, simulatedModelProfile, simulatedProviderSettings } from './simulated-models.js';
import { TASK_TYPES } from '../spec/task-type.js';

describe('resolveModelProfile', () => {
  it('fills a known model from the price data and family defaults', () => {
    const profile = resolveModelProfile({ id: 'openai/gpt-4o-mini', provider: 'openai', model: 'gpt-4o-mini' });
    expect(profile.pricing).toEqual(lookupModelPrice('openai', 'gpt-4o-mini'));
    expect(profile.contextWindow).toBe(128_000);
    expect(profile.maxOutputTokens).toBe(16_384);
    expect(profile.capabilities.tools).toBe(true);
    expect(profile.source).toEqual({ pricing: 'price-data', quality: 'benchmark' });
    expect(profile.quality.coding).toBe(0.87);
    expect(profile.simulated).toBe(false);
  });

  it('takes the price-data provider from the deployment id', () => {
    const profile = resolveModelProfile({ id: 'groq/llama-3.1-8b-instant', provider: 'openai', model: 'llama-3.1-8b-instant' });
    expect(profile.source.pricing).toBe('price-data');
    expect(profile.pricing.inputPerMTok).toBe(lookupModelPrice('groq', 'llama-3.1-8b-instant')?.inputPerMTok);
    expect(profile.contextWindow).toBe(131_072);
  });

  it('lets config override any field and records it', () => {
    const profile = resolveModelProfile({
      id: 'openai/gpt-4o',
      provider: 'openai',
      model: 'gpt-4o',
      pricing: { inputPerMTok: 2 },
      contextWindow: 64_000,
      maxOutputTokens: 1000,
      capabilities: { vision: false },
      quality: { coding: 0.99 },
      latency: { ttftMs: 123 },
      limits: { requestsPerMinute: 60 },
    });
    expect(profile.pricing).toMatchObject({ inputPerMTok: 2, outputPerMTok: 10, cachedInputPerMTok: 1.25 });
    expect(profile.contextWindow).toBe(64_000);
    expect(profile.maxOutputTokens).toBe(1000);
    expect(profile.capabilities).toMatchObject({ vision: false, tools: true });
    expect(profile.quality.coding).toBe(0.99);
    expect(profile.quality.math).toBe(0.77);
    expect(profile.latency).toEqual({ ttftMs: 123, outputTokensPerSecond: 90 });
    expect(profile.limits).toEqual({ requestsPerMinute: 60 });
    expect(profile.source).toEqual({ pricing: 'config', quality: 'config' });
  });

  it('prices an unknown model at zero, visibly, with conservative defaults', () => {
    const profile = resolveModelProfile({ id: 'local/my-model', provider: 'openai', model: 'my-model' });
    expect(profile.pricing).toEqual({ inputPerMTok: 0, outputPerMTok: 0, cachedInputPerMTok: 0 });
    expect(profile.source).toEqual({ pricing: 'unknown', quality: 'default' });
    expect(profile.contextWindow).toBe(8192);
    expect(profile.capabilities).toMatchObject({ tools: false, vision: false, json: false });
    expect(profile.quality).toEqual({ default: 0.5 });
  });

  it('keeps a configured input price as the cached price of an unknown model', () => {
    const profile = resolveModelProfile({ id: 'hosted/x', provider: 'openai', model: 'x', pricing: { inputPerMTok: 1, outputPerMTok: 2 } });
    expect(profile.pricing).toEqual({ inputPerMTok: 1, outputPerMTok: 2, cachedInputPerMTok: 1 });
    expect(profile.source.pricing).toBe('config');
  });

  it('drops price-data tiers when config changes the base prices', () => {
    const profile = resolveModelProfile({ id: 'gemini/gemini-1.5-flash', provider: 'gemini', model: 'gemini-1.5-flash', pricing: { inputPerMTok: 0.05, outputPerMTok: 0.2 } });
    expect(profile.pricing.tiers).toBeUndefined();
  });

  it('refuses invalid overrides with a typed error', () => {
    expect(() => resolveModelProfile({ id: 'a/b', provider: 'openai', model: 'b', contextWindow: -1 })).toThrow(GatewayError);
    expect(() => resolveModelProfile({ id: 'a/b', provider: 'openai', model: 'b', pricing: { inputPerMTok: -1 } })).toThrow(/non-negative/);
    expect(() => resolveModelProfile({ id: 'a/b', provider: 'openai', model: 'b', quality: { coding: 2 } })).toThrow(/quality/);
  });
});

describe('simulated models', () => {
  it('follow the price data and windows of the models they mimic, marked simulated', () => {
    expect(SIMULATED_MODELS.length).toBeGreaterThanOrEqual(5);
    for (const model of SIMULATED_MODELS) {
      const profile = simulatedModelProfile(model);
      expect(profile.id).toBe(`simulated/${model.name}`);
      expect(profile.simulated).toBe(true);
      expect(profile.source.pricing).toBe('simulated');
      expect(profile.pricing).toEqual(lookupModelPrice(model.follows.provider, model.follows.model));
      expect(profile.pricing.inputPerMTok).toBeGreaterThan(0);
      for (const task of TASK_TYPES) expect(profile.quality[task] ?? profile.quality.default).toBeGreaterThan(0);
    }
  });

  it('include a small-window model that long documents cannot use', () => {
    const windows = SIMULATED_MODELS.map((m) => simulatedModelProfile(m).contextWindow);
    expect(Math.min(...windows)).toBeLessThanOrEqual(8192);
    expect(Math.max(...windows)).toBeGreaterThanOrEqual(128_000);
  });

  it('hand the provider its latency, failure rates and window as settings', () => {
    const model = SIMULATED_MODELS[0];
    if (!model) throw new Error('no simulated models');
    const profile = simulatedModelProfile(model);
    const count = (text: string): number => text.length;
    const settings = simulatedProviderSettings(model, profile, count);
    expect(settings).toMatchObject({ ttftMs: model.ttftMs, outputTokensPerSecond: model.outputTokensPerSecond, contextWindow: profile.contextWindow, countTokens: count });
  });
});

describe('simulatedDeployments', () => {
  it('pairs every simulated profile with provider settings whose counter is the catalog tokenizer', () => {
    const deployments = simulatedDeployments({ failures: false });
    expect(deployments.map((d) => d.id)).toEqual(SIMULATED_MODELS.map((m) => `simulated/${m.name}`));
    for (const deployment of deployments) {
      expect(deployment.settings.failures).toBe(false);
      const count = deployment.settings.countTokens as (text: string) => number;
      expect(count('hello world')).toBeGreaterThan(0);
    }
    const gpt = deployments.find((d) => d.id === 'simulated/gpt-4o');
    expect((gpt?.settings.countTokens as (text: string) => number)('hello world')).toBe(2);
  });
});

describe('local and proxied deployments', () => {
  it('never charges hosted prices for open weights on a local runtime', () => {
    for (const [id, model] of [['ollama/mistral', 'mistral'], ['ollama/deepseek-r1:7b', 'deepseek-r1:7b'], ['local/gpt-4o-mini', 'gpt-4o-mini']]) {
      const profile = resolveModelProfile({ id: id ?? '', provider: 'openai', model: model ?? '' });
      expect(profile.source.pricing).toBe('unknown');
      expect(profile.pricing.inputPerMTok).toBe(0);
    }
  });

  it('prices a proprietary model behind an unknown proxy, but not open weights there', () => {
    expect(resolveModelProfile({ id: 'proxy/gpt-4o', provider: 'openai', model: 'gpt-4o' }).source.pricing).toBe('price-data');
    expect(resolveModelProfile({ id: 'proxy/claude-3-5-haiku-latest', provider: 'openai', model: 'claude-3-5-haiku-latest' }).pricing.inputPerMTok).toBe(0.8);
    expect(resolveModelProfile({ id: 'mybox/mixtral', provider: 'openai', model: 'mixtral' }).source.pricing).toBe('unknown');
  });

  it('still prices open weights bought from a named host', () => {
    expect(resolveModelProfile({ id: 'mistral/mistral-small-latest', provider: 'openai', model: 'mistral-small-latest' }).source.pricing).toBe('price-data');
    expect(resolveModelProfile({ id: 'deepseek/deepseek-chat', provider: 'openai', model: 'deepseek-chat' }).source.pricing).toBe('price-data');
  });
});
