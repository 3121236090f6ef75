import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/gateway-error.js';
import { loadConfig, parseConfigText } from './load-config.js';
import { validateReferences } from './validate-references.js';

function configError(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('invalid_config');
    return error as GatewayError;
  }
  throw new Error('expected an invalid_config error');
}

const valid = `
server: { port: 4100 }
providers:
  oai: { type: openai, apiKey: "\${TEST_OPENAI_KEY}" }
  local: { type: ollama, baseUrl: "\${OLLAMA_URL:-http://127.0.0.1:11434/v1}" }
deployments:
  - { id: oai/gpt-4o-mini, provider: oai, model: gpt-4o-mini, quality: { coding: 0.7 } }
  - { id: local/llama3, provider: local, model: llama3, pricing: { inputPerMTok: 0, outputPerMTok: 0 } }
aliases:
  fast: [oai/gpt-4o-mini, local/llama3]
policies:
  thrifty: { weights: { cost: 3, quality: 1 }, fallback: [fast] }
routing: { defaultPolicy: thrifty }
`;

describe('config loading', () => {
  it('applies defaults and interpolates the environment after parsing', () => {
    const config = parseConfigText(valid, { TEST_OPENAI_KEY: 'sk-test-123' });
    expect(config.server).toEqual({ host: '127.0.0.1', port: 4100, maxBodyBytes: 4 * 1024 * 1024, requestTimeoutMs: 600_000 });
    expect(config.providers.oai?.apiKey).toBe('sk-test-123');
    expect(config.providers.local?.baseUrl).toBe('http://127.0.0.1:11434/v1');
    expect(config.simulated).toBe('auto');
    expect(config.logging.logPrompts).toBe(false);
  });

  it('never lets a variable value change the document structure', () => {
    const config = parseConfigText(valid, { TEST_OPENAI_KEY: 'x\n  injected: true' });
    expect(config.providers.oai?.apiKey).toBe('x\n  injected: true');
  });

  it('names the unset variable and where it is used', () => {
    const error = configError(() => parseConfigText(valid, {}));
    expect(error.message).toContain('providers.oai.apiKey');
    expect(error.message).toContain('TEST_OPENAI_KEY');
  });

  it('refuses a bad field with its path and the reason', () => {
    const error = configError(() =>
      parseConfigText('deployments:\n  - { id: a/b, provider: openai, model: m, pricing: { inputPerMTok: "cheap" } }\n', {}),
    );
    expect(error.message).toContain('deployments[0].pricing.inputPerMTok');
  });

  it('refuses unknown keys, bad ids and duplicates', () => {
    expect(configError(() => parseConfigText('sever: { port: 1 }', {})).message).toContain('sever');
    expect(configError(() => parseConfigText('deployments: [{ id: nomodel, provider: openai, model: m }]', {})).message).toContain('deployments[0].id');
    expect(
      configError(() => parseConfigText('deployments: [{ id: a/b, provider: x, model: m }, { id: a/b, provider: x, model: m }]', {})).message,
    ).toContain('defined twice');
  });

  it('refuses YAML that does not parse', () => {
    expect(configError(() => parseConfigText('server: [unclosed', {})).message).toContain('not valid YAML');
  });

  it('checks references once every deployment is known', () => {
    const config = parseConfigText(valid, { TEST_OPENAI_KEY: 'k' });
    expect(() => validateReferences(config, new Set(['oai/gpt-4o-mini', 'local/llama3']), ['balanced'])).not.toThrow();
    const error = configError(() => validateReferences(config, new Set(['oai/gpt-4o-mini']), ['balanced']));
    expect(error.message).toContain('aliases.fast[1]: no deployment "local/llama3"');
  });

  it('uses the embedded defaults when there is no file, and SWITCHYARD_CONFIG when set', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-config-'));
    const empty = await loadConfig({ cwd: dir, env: {} });
    expect(empty.path).toBeUndefined();
    expect(empty.config.deployments).toEqual([]);
    writeFileSync(join(dir, 'other.yaml'), 'server: { port: 4555 }\n');
    const chosen = await loadConfig({ cwd: dir, env: { SWITCHYARD_CONFIG: 'other.yaml' } });
    expect(chosen.config.server.port).toBe(4555);
  });
});
