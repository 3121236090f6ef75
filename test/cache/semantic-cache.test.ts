import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { CachingGateway } from '../../src/engine/cache/caching-gateway.js';
import { ResponseCacheRules } from '../../src/engine/cache/response-cache-rules.js';
import { SemanticCache } from '../../src/engine/cache/semantic-cache.js';
import { SemanticIndex } from '../../src/engine/cache/semantic-index.js';
import type { ChatRequest } from '../../src/spec/chat-request.js';
import { MemoryResponseCacheStore } from '../../src/state/cache/memory-response-cache-store.js';
import { ScriptedInnerGateway } from './scripted-inner-gateway.js';

/**
 * Controlled vectors, not a real embedding model (none is available offline): each question maps
 * to a topic direction plus a small per-wording offset, so that these tests check the mechanics
 * (threshold, partitions, tenant isolation, false hits on the pairs below) and not embedding quality.
 */
const TOPICS: Record<string, number> = { capital: 0, boiling: 1, refund: 2, password: 3, weather: 4, divide: 5 };
function vectorFor(text: string): number[] {
  const topic = Object.keys(TOPICS).find((word) => text.toLowerCase().includes(word));
  const v = new Array<number>(8).fill(0);
  v[topic === undefined ? 7 : (TOPICS[topic] as number)] = 1;
  // Wording noise: small and deterministic.
  v[6] = (text.length % 7) / 100;
  return v;
}

const NEAR_DUPLICATES: Array<[string, string]> = [
  ['What is the capital of France?', "What's the capital city of France?"],
  ['At what temperature does water start boiling?', 'Boiling point of water?'],
  ['How do I get a refund?', 'How can I request a refund for my order?'],
  ['I forgot my password, what now?', 'How do I reset a lost password?'],
];
const DIFFERENT: Array<[string, string]> = [
  ['What is the capital of France?', 'How do I get a refund?'],
  ['Boiling point of water?', 'How do I reset a lost password?'],
  ['What is the weather tomorrow?', 'How do I divide fractions?'],
  ['How can I request a refund for my order?', 'What is the weather tomorrow?'],
];

function setup() {
  const config = parseConfig({ simulated: 'off', autoDetectProviders: false, policies: { sem: { cache: { enabled: true, semantic: true } } } }, {});
  const inner = new ScriptedInnerGateway();
  let embeds = 0;
  const gateway = new CachingGateway(inner, {
    store: new MemoryResponseCacheStore({ maxBytes: 1 << 20 }),
    rules: new ResponseCacheRules({ cache: config.cache, policies: config.policies, defaultPolicy: 'sem' }),
    scope: 'key',
    coalesce: true,
    semantic: new SemanticCache({ threshold: 0.95, maxEntries: 100, embed: async (text) => (embeds += 1, vectorFor(text)) }),
  });
  return { gateway, inner, embeds: () => embeds };
}

const ask = (content: string, system = 'Be brief.'): ChatRequest => ({ model: 'sem', temperature: 0, messages: [{ role: 'system', content: system }, { role: 'user', content }] });

describe('semantic cache', () => {
  it('serves near-duplicates and no different-meaning question: false-hit rate 0 of 4 on the written pairs', async () => {
    let hits = 0;
    for (const [first, second] of NEAR_DUPLICATES) {
      const { gateway } = setup();
      await gateway.chat(ask(first), { requestId: 'a' });
      const result = await gateway.chat(ask(second), { requestId: 'b' });
      if (result.cache?.kind === 'semantic') hits += 1;
    }
    let falseHits = 0;
    for (const [first, second] of DIFFERENT) {
      const { gateway } = setup();
      await gateway.chat(ask(first), { requestId: 'a' });
      const result = await gateway.chat(ask(second), { requestId: 'b' });
      if (result.cache?.status === 'hit') falseHits += 1;
    }
    expect(hits).toBe(NEAR_DUPLICATES.length);
    expect(falseHits).toBe(0);
  });

  it('compares only within the same tenant and the same rest of the request', async () => {
    const { gateway, inner } = setup();
    await gateway.chat(ask('What is the capital of France?'), { requestId: 'a', principal: { keyId: 'k1' } });
    expect((await gateway.chat(ask("What's the capital city of France?"), { requestId: 'b', principal: { keyId: 'k2' } })).cache?.status).toBe('miss');
    expect((await gateway.chat(ask("What's the capital city of France?", 'Answer in French.'), { requestId: 'c', principal: { keyId: 'k1' } })).cache?.status).toBe('miss');
    const hit = await gateway.chat(ask("What's the capital city of France?"), { requestId: 'd', principal: { keyId: 'k1' } });
    expect(hit.cache).toMatchObject({ status: 'hit', kind: 'semantic' });
    expect(inner.calls).toBe(3);
  });

  it('index: threshold, nearest of several, and its bound', () => {
    const index = new SemanticIndex({ maxEntries: 2 });
    index.add('p', [1, 0], 'x');
    index.add('p', [0.9, 0.1], 'y');
    expect(index.nearest('p', [0.95, 0.08], 0.9)?.key).toBe('y');
    expect(index.nearest('p', [0, 1], 0.5)).toBeUndefined();
    expect(index.nearest('other', [1, 0], 0.5)).toBeUndefined();
    index.add('p', [0, 1], 'z');
    expect(index.size).toBe(2);
    expect(index.nearest('p', [1, 0], 0.999)).toBeUndefined();
  });
});
