import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load-config.js';
import { GatewayError } from '../errors/gateway-error.js';
import { buildGateway } from './build-gateway.js';
import { detectEnvDeployments } from './env-deployments.js';

const config = (document: Record<string, unknown> = {}) => parseConfig(document, {});

describe('detectEnvDeployments', () => {
  it('adds deployments for every provider key that is set, and Ollama from its URL', () => {
    const specs = detectEnvDeployments({ OPENAI_API_KEY: 'sk-1', GEMINI_API_KEY: 'g', GROQ_API_KEY: ' ', OLLAMA_BASE_URL: 'http://127.0.0.1:11434' });
    expect(specs.map((s) => s.id)).toEqual(['openai/gpt-4o-mini', 'openai/gpt-4o', 'gemini/gemini-2.0-flash', 'gemini/gemini-2.5-pro', 'ollama/llama3.2']);
    expect(specs[0]).toMatchObject({ type: 'openai', apiKey: 'sk-1', source: 'env' });
    expect(specs.at(-1)?.baseUrl).toBe('http://127.0.0.1:11434/v1');
  });

  it('takes a model list from <PROVIDER>_MODELS', () => {
    expect(detectEnvDeployments({ MISTRAL_API_KEY: 'm', MISTRAL_MODELS: 'open-mistral-nemo' }).map((s) => s.id)).toEqual(['mistral/open-mistral-nemo']);
  });
});

describe('buildGateway', () => {
  it('serves the simulated models when no key is set, and says so', () => {
    const gateway = buildGateway(config(), { env: {} });
    expect(gateway.summary.live).toEqual([]);
    expect(gateway.summary.simulated.length).toBeGreaterThan(3);
    expect(gateway.summary.notes.join(' ')).toMatch(/simulated/);
    void gateway.close();
  });

  it('serves real deployments from env keys and leaves the simulated ones out', () => {
    const gateway = buildGateway(config(), { env: { ANTHROPIC_API_KEY: 'a' } });
    expect(gateway.summary.live.map((d) => d.id)).toEqual(['anthropic/claude-3-5-haiku-latest', 'anthropic/claude-sonnet-4-5']);
    expect(gateway.summary.live[0]?.source).toBe('env');
    expect(gateway.summary.simulated).toEqual([]);
    void gateway.close();
  });

  it('keeps the simulated models when config asks for them', () => {
    const gateway = buildGateway(config({ simulated: 'on' }), { env: { OPENAI_API_KEY: 'k' } });
    expect(gateway.summary.live.length).toBe(2);
    expect(gateway.summary.simulated.length).toBeGreaterThan(3);
    void gateway.close();
  });

  it('resolves deployments, aliases and policies, and refuses unknown models', () => {
    const gateway = buildGateway(
      config({
        autoDetectProviders: false,
        deployments: [{ id: 'local/llama', provider: 'ollama', model: 'llama3.2', contextWindow: 8192 }],
        aliases: { small: ['local/llama'] },
        policies: { frugal: { weights: { cost: 1 } } },
      }),
      { env: { OPENAI_API_KEY: 'ignored' } },
    );
    const ids = gateway.listModels().map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['local/llama', 'small', 'auto', 'router/frugal', 'router/balanced']));
    const ask = (model: string) => ({ model, messages: [{ role: 'user' as const, content: 'hi' }] });
    expect(gateway.route(ask('small')).candidates.map((c) => c.deploymentId)).toEqual(['local/llama']);
    expect(gateway.route(ask('router/frugal')).policy).toBe('frugal');
    expect(() => gateway.route(ask('nope'))).toThrow(GatewayError);
    void gateway.close();
  });

  it('refuses an unknown provider type at build time', () => {
    expect(() => buildGateway(config({ deployments: [{ id: 'x/y', provider: 'martian', model: 'y' }] }), { env: {} })).toThrow(/unknown provider type 'martian'/);
  });
});
