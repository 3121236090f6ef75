import { describe, expect, it } from 'vitest';
import { EmbeddingBatcher } from '../../src/engine/cache/embedding-batcher.js';
import type { RequestContext } from '../../src/engine/gateway.js';
import { ScriptedInnerGateway } from '../cache/scripted-inner-gateway.js';

const ctx = (keyId?: string): RequestContext => (keyId === undefined ? { requestId: 'r' } : { requestId: 'r', principal: { keyId } });

describe('EmbeddingBatcher', () => {
  it('merges requests within the window into one upstream call and splits the vectors back in order', async () => {
    const inner = new ScriptedInnerGateway();
    const batcher = new EmbeddingBatcher({ embed: (r) => inner.embed(r), windowMs: 20, maxInputs: 2048 });
    const inputs = [['a'], ['bb', 'ccc'], ['dddd'], ['eeeee', 'ffffff', 'ggggggg']];
    const results = await Promise.all(inputs.map((input) => batcher.embed({ model: 'embed/small', input }, ctx())));
    expect(inner.embedCalls).toHaveLength(1);
    expect(inner.embedCalls[0]?.input).toEqual(inputs.flat());
    for (const [index, input] of inputs.entries()) {
      // The scripted upstream answers each text with [its length, 1]: order survives the split.
      expect(results[index]?.response.embeddings).toEqual(input.map((text) => [text.length, 1]));
    }
    expect(results.reduce((sum, r) => sum + r.response.usage.inputTokens, 0)).toBe(inputs.flat().length);
  });

  it('splits at the batch limit', async () => {
    const inner = new ScriptedInnerGateway();
    const batcher = new EmbeddingBatcher({ embed: (r) => inner.embed(r), windowMs: 20, maxInputs: 4 });
    const results = await Promise.all([['1', '2'], ['3', '4'], ['5', '6'], ['7']].map((input) => batcher.embed({ model: 'e', input }, ctx())));
    expect(inner.embedCalls.map((call) => call.input)).toEqual([['1', '2', '3', '4'], ['5', '6', '7']]);
    expect(results.map((r) => r.response.embeddings.length)).toEqual([2, 2, 2, 1]);
  });

  it('never merges different callers, models or dimensions', async () => {
    const inner = new ScriptedInnerGateway();
    const batcher = new EmbeddingBatcher({ embed: (r) => inner.embed(r), windowMs: 20, maxInputs: 2048 });
    await Promise.all([
      batcher.embed({ model: 'e', input: ['x'] }, ctx('k1')),
      batcher.embed({ model: 'e', input: ['x'] }, ctx('k2')),
      batcher.embed({ model: 'f', input: ['x'] }, ctx('k1')),
      batcher.embed({ model: 'e', input: ['x'], dimensions: 64 }, ctx('k1')),
    ]);
    expect(inner.embedCalls).toHaveLength(4);
  });

  it('fails every member when the merged call fails', async () => {
    const batcher = new EmbeddingBatcher({ embed: () => Promise.reject(new Error('down')), windowMs: 10, maxInputs: 100 });
    const settled = await Promise.allSettled([batcher.embed({ model: 'e', input: ['a'] }, ctx()), batcher.embed({ model: 'e', input: ['b'] }, ctx())]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
  });
});
