import { describe, expect, it } from 'vitest';
import { cacheKey } from '../../src/engine/cache/cache-key.js';
import { cacheScope } from '../../src/engine/cache/cache-scope.js';
import type { ChatRequest } from '../../src/spec/chat-request.js';

const base: ChatRequest = {
  model: 'auto',
  messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'What is 2+2?' }],
  temperature: 0,
  tools: [{ type: 'function', function: { name: 'calc', parameters: { type: 'object', properties: { a: { type: 'number' } } } } }],
};
const key = (request: ChatRequest, context: Parameters<typeof cacheKey>[1] = {}, scope = 'anonymous'): string => cacheKey(request, context, scope);

describe('cacheKey', () => {
  it('ignores what cannot change the answer', () => {
    const k = key(base);
    expect(key({ ...base, user: 'alice' })).toBe(k);
    expect(key({ ...base, stream: true, includeUsage: true })).toBe(k);
    expect(key(base, { wishes: { timeoutMs: 5000 } })).toBe(k);
    // Key order inside a tool's JSON Schema is not meaningful.
    const reordered: ChatRequest = { ...base, tools: [{ type: 'function', function: { parameters: { properties: { a: { type: 'number' } }, type: 'object' }, name: 'calc' } }] };
    expect(key(reordered)).toBe(k);
  });

  it.each<[string, Partial<ChatRequest>]>([
    ['model', { model: 'fast' }],
    ['messages', { messages: [{ role: 'user', content: 'What is 2+3?' }] }],
    ['message order', { messages: [{ role: 'user', content: 'What is 2+2?' }, { role: 'system', content: 'Be brief.' }] }],
    ['temperature', { temperature: 0.5 }],
    ['top_p', { topP: 0.9 }],
    ['max tokens', { maxOutputTokens: 10 }],
    ['tools', { tools: [] }],
    ['tool_choice', { toolChoice: 'required' }],
    ['response_format', { responseFormat: { type: 'json_object' } }],
    ['stop', { stop: ['\n'] }],
    ['seed', { seed: 7 }],
    ['n', { n: 2 }],
    ['penalties', { presencePenalty: 0.5 }],
    ['reasoning effort', { reasoningEffort: 'high' }],
    ['pass-through fields', { extra: { logit_bias: { '50256': -100 } } }],
    ['body routing wishes', { routing: { task: 'coding' } }],
  ])('changes with %s', (_name, change) => {
    expect(key({ ...base, ...change })).not.toBe(key(base));
  });

  it('changes with the policy header and routing headers', () => {
    expect(key(base, { policy: 'cheap' })).not.toBe(key(base));
    expect(key(base, { wishes: { priorities: { cost: 1 } } })).not.toBe(key(base));
  });

  it('is scoped per tenant', () => {
    const a = cacheScope({ keyId: 'k1', team: 'ml' }, 'key');
    const b = cacheScope({ keyId: 'k2', team: 'ml' }, 'key');
    expect(key(base, {}, a)).not.toBe(key(base, {}, b));
    expect(cacheScope({ keyId: 'k1', team: 'ml' }, 'team')).toBe(cacheScope({ keyId: 'k2', team: 'ml' }, 'team'));
    expect(cacheScope({ keyId: 'k1', team: 'ml' }, 'team')).not.toBe(cacheScope({ keyId: 'k2', team: 'ml', allowedModels: ['x'] }, 'team'));
    expect(cacheScope(undefined, 'key')).toBe('anonymous');
    expect(cacheScope({ keyId: 'k1' }, 'team')).toBe('key:k1');
  });
});
