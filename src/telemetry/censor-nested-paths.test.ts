import { describe, expect, it } from 'vitest';
import { censorNestedPaths } from './censor-nested-paths.js';

const censor = censorNestedPaths(['*.apiKey', '*.headers.authorization', '*.headers["x-api-key"]', '*.providers.*.apiKey', '*.providers.*.headers'], 'X');

describe('censorNestedPaths', () => {
  it('censors own properties at the paths below any top-level value, in a copy', () => {
    const logged = {
      upstream: { headers: { authorization: 'Bearer a', 'x-api-key': 'k', accept: 'json' }, apiKey: 'sk' },
      config: { providers: { openai: { apiKey: 's1', headers: { h: 'v' }, type: 'openai' }, local: { type: 'ollama' } } },
      id: 'r1',
    };
    const out = censor(logged);
    expect(out).toEqual({
      upstream: { headers: { authorization: 'X', 'x-api-key': 'X', accept: 'json' }, apiKey: 'X' },
      config: { providers: { openai: { apiKey: 'X', headers: 'X', type: 'openai' }, local: { type: 'ollama' } } },
      id: 'r1',
    });
    expect(logged.upstream.headers.authorization).toBe('Bearer a');
    expect(logged.config.providers.openai.apiKey).toBe('s1');
  });

  it('returns the same object when no path matches, and leaves top-level keys to pino', () => {
    const line = { apiKey: 'top-level is not a wildcard path', attempts: [{ deployment: 'a', outcome: 'ok' }], meta: { headers: { accept: 'json' } }, n: 1 };
    expect(censor(line)).toBe(line);
  });

  it('walks values under a wildcard second name, and arrays by index', () => {
    const deep = censorNestedPaths(['*.*.token', '*.list.0.key'], 'X');
    expect(deep({ a: { b: { token: 't', keep: 1 } }, c: { list: [{ key: 'k' }, { key: 'k2' }] }, n: 2 })).toEqual({
      a: { b: { token: 'X', keep: 1 } },
      c: { list: [{ key: 'X' }, { key: 'k2' }] },
      n: 2,
    });
  });
});
