import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from './load-config.js';

describe('switchyard.example.yaml', () => {
  it('is a valid config with no environment set', () => {
    const text = readFileSync(new URL('../../switchyard.example.yaml', import.meta.url), 'utf8');
    const config = parseConfigText(text, {}, 'switchyard.example.yaml');
    expect(config.deployments.map((d) => d.id)).toContain('local/llama3');
    expect(config.providers.local?.baseUrl).toBe('http://127.0.0.1:11434/v1');
    expect(config.policies.thrifty?.budgetAware?.floor).toBe(0.2);
    expect(config.healthChecks).toEqual({ enabled: false, intervalMs: 30_000, timeoutMs: 5_000, failuresToOpen: 2 });
    expect(config.deployments.find((d) => d.id === 'local/llama3')?.healthCheck).toEqual({ enabled: true, intervalMs: 10_000 });
  });
});
