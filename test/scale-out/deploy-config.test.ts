import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/index.js';
import { REPO } from './transpile-layers.js';

const env = { REDIS_URL: 'redis://redis:6379', DATABASE_URL: 'postgres://switchyard:pw@postgres:5432/switchyard', OPENAI_API_KEY: 'sk-test' };

describe('deployment files', () => {
  it('ship a gateway config that validates, with shared state and store', () => {
    const config = parseConfigText(readFileSync(join(REPO, 'deploy/switchyard.yaml'), 'utf8'), env, 'deploy/switchyard.yaml');
    expect(config.state).toBe(env.REDIS_URL);
    expect(config.store).toBe(env.DATABASE_URL);
  });

  it('embed the same kind of config in the Kubernetes ConfigMap', () => {
    const configMap = parse(readFileSync(join(REPO, 'deploy/kubernetes/configmap.yaml'), 'utf8')) as { data: Record<string, string> };
    const config = parseConfigText(configMap.data['switchyard.yaml'] ?? '', env, 'configmap');
    expect(config.state).toBe(env.REDIS_URL);
  });

  it('rejects a state URL that is not Redis', () => {
    expect(() => parseConfigText('state: postgres://x/y\n', {}, 'inline')).toThrow(/redis/);
  });
});
