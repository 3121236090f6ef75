import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { CachingGateway } from '../../src/engine/cache/caching-gateway.js';
import { ResponseCacheRules } from '../../src/engine/cache/response-cache-rules.js';
import { SemanticCache } from '../../src/engine/cache/semantic-cache.js';
import { MemoryResponseCacheStore } from '../../src/state/cache/memory-response-cache-store.js';
import { hashedNgramEmbedding } from '../support/hashed-ngram-embedding.js';
import { ScriptedInnerGateway } from './scripted-inner-gateway.js';

/**
 * The semantic cache judged on question pairs written for it (`__fixtures__/semantic-pairs.json`):
 * for each pair the first question is answered and cached, then the second is asked. A hit on a
 * near-duplicate is right; a hit on a different-meaning pair is a false hit (a wrong answer
 * served). The embedding is `hashedNgramEmbedding`, a documented lexical stand-in (no embedding
 * model can be loaded offline), so the rates measure the cache at its configured threshold with
 * a wording-based embedder, not what a real embedding model would reach.
 */
const pairs = JSON.parse(readFileSync(new URL('./__fixtures__/semantic-pairs.json', import.meta.url), 'utf8')) as { nearDuplicates: Array<[string, string]>; different: Array<[string, string]> };

/** The false-hit rate the configured threshold must stay under with this embedder. */
const MAX_FALSE_HIT_RATE = 0.05;

async function secondIsHit(first: string, second: string, threshold: number): Promise<boolean> {
  const config = parseConfig({ simulated: 'off', autoDetectProviders: false, policies: { sem: { cache: { enabled: true, semantic: true } } } }, {});
  const gateway = new CachingGateway(new ScriptedInnerGateway(), {
    store: new MemoryResponseCacheStore({ maxBytes: 1 << 20 }),
    rules: new ResponseCacheRules({ cache: config.cache, policies: config.policies, defaultPolicy: 'sem' }),
    scope: 'key',
    coalesce: false,
    semantic: new SemanticCache({ threshold, maxEntries: 100, embed: async (text) => hashedNgramEmbedding(text) }),
  });
  const ask = (content: string) => gateway.chat({ model: 'sem', temperature: 0, messages: [{ role: 'user', content }] }, { requestId: content });
  await ask(first);
  return (await ask(second)).cache?.status === 'hit';
}

async function rates(threshold: number): Promise<{ hitRate: number; missRate: number; falseHitRate: number }> {
  let hits = 0;
  for (const [a, b] of pairs.nearDuplicates) if (await secondIsHit(a, b, threshold)) hits += 1;
  let falseHits = 0;
  for (const [a, b] of pairs.different) if (await secondIsHit(a, b, threshold)) falseHits += 1;
  const hitRate = hits / pairs.nearDuplicates.length;
  return { hitRate, missRate: 1 - hitRate, falseHitRate: falseHits / pairs.different.length };
}

describe('semantic cache evaluation on written question pairs', () => {
  it('has at least 40 pairs, both kinds', () => {
    expect(pairs.nearDuplicates.length + pairs.different.length).toBeGreaterThanOrEqual(40);
    expect(Math.min(pairs.nearDuplicates.length, pairs.different.length)).toBeGreaterThanOrEqual(20);
  });

  it('keeps the false-hit rate under the bound at the configured threshold, and reports the miss rate', async () => {
    const threshold = parseConfig({ cache: { semantic: { embeddingDeployment: 'any/embedder' } } }, {}).cache.semantic?.threshold ?? Number.NaN;
    const measured = await rates(threshold);
    console.info(`semantic cache @${threshold} (hashed n-gram embedding): false-hit rate ${(measured.falseHitRate * 100).toFixed(0)}%, miss rate ${(measured.missRate * 100).toFixed(0)}% on ${pairs.different.length}+${pairs.nearDuplicates.length} pairs`);
    expect(measured.falseHitRate).toBeLessThanOrEqual(MAX_FALSE_HIT_RATE);
  });

  it('trades misses for false hits as the threshold falls (the embedding carries signal)', async () => {
    const strict = await rates(0.95);
    const loose = await rates(0.8);
    console.info(`@0.80: false-hit rate ${(loose.falseHitRate * 100).toFixed(0)}%, miss rate ${(loose.missRate * 100).toFixed(0)}%`);
    expect(loose.hitRate).toBeGreaterThan(strict.hitRate);
    // Reworded questions are closer than different ones: more right hits than false hits at any threshold tried.
    expect(loose.hitRate).toBeGreaterThan(loose.falseHitRate);
  });
});
