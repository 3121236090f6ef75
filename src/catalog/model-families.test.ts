import { describe, expect, it } from 'vitest';
import { findModelFamily, MODEL_FAMILIES, UNKNOWN_MODEL_FAMILY } from './model-families.js';
import { benchmarkQuality, FAMILY_BENCHMARKS } from './quality-defaults.js';

describe('findModelFamily', () => {
  const cases: [string, string][] = [
    ['gpt-4o-mini-2024-07-18', 'gpt-4o-mini'],
    ['gpt-4o-2024-11-20', 'gpt-4o'],
    ['gpt-4-0613', 'gpt-4'],
    ['gpt-4-turbo-2024-04-09', 'gpt-4-turbo'],
    ['o3-mini', 'openai-o-series'],
    ['gpt-4.1-nano', 'gpt-4.1-small'],
    ['gpt-4.1-2025-04-14', 'gpt-4.1'],
    ['gpt-5-mini', 'gpt-5-small'],
    ['gpt-5', 'gpt-5'],
    ['claude-3-5-sonnet-20241022', 'claude-3.5-sonnet'],
    ['claude-sonnet-4-5', 'claude-sonnet'],
    ['claude-3-haiku-20240307', 'claude-3-haiku'],
    ['gemini-2.5-flash', 'gemini-flash'],
    ['models/gemini-1.5-flash-002', 'gemini-1.5-flash'],
    ['llama3', 'llama-3-8b'],
    ['llama3-70b-8192', 'llama-3-70b'],
    ['llama3.1:8b', 'llama-3.1-8b'],
    ['meta-llama/Llama-3.3-70B-Instruct-Turbo', 'llama-3.1-70b'],
    ['mistral-small-latest', 'mistral'],
    ['text-embedding-3-small', 'openai-embedding'],
  ];
  for (const [model, family] of cases) {
    it(`puts ${model} in ${family}`, () => {
      expect(findModelFamily(model).family).toBe(family);
    });
  }

  it('gives unknown models the conservative defaults', () => {
    expect(findModelFamily('my-private-model')).toBe(UNKNOWN_MODEL_FAMILY);
  });

  it('gives the 8k-window Llama 3 its small window', () => {
    expect(findModelFamily('llama3').contextWindow).toBe(8192);
    expect(findModelFamily('llama3.1').contextWindow).toBe(131_072);
  });
});

describe('benchmark quality', () => {
  it('has a family row for every benchmark row', () => {
    const families = new Set(MODEL_FAMILIES.map((f) => f.family));
    for (const family of Object.keys(FAMILY_BENCHMARKS)) expect(families.has(family)).toBe(true);
  });

  it('maps each task to its benchmark', () => {
    const q = benchmarkQuality('gpt-4o');
    expect(q).toMatchObject({ knowledge: 0.89, coding: 0.9, math: 0.77, reasoning: 0.54, summarization: 0.83, translation: 0.91 });
    // Arena Elo 1285 -> (1285 - 1000) / 400.
    expect(q?.chat).toBe(0.71);
    expect(q?.default).toBeGreaterThan(0.5);
  });

  it('omits tasks without a benchmark and averages the rest into default', () => {
    const q = benchmarkQuality('llama-3-8b');
    expect(q?.translation).toBeUndefined();
    const values = [q?.knowledge, q?.coding, q?.math, q?.reasoning, q?.creative, q?.chat].map((v) => v ?? 0);
    expect(q?.default).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 1);
  });

  it('ranks larger models of a family above smaller ones', () => {
    expect(benchmarkQuality('llama-3.1-70b')?.default ?? 0).toBeGreaterThan(benchmarkQuality('llama-3.1-8b')?.default ?? 1);
    expect(benchmarkQuality('gpt-4o')?.default ?? 0).toBeGreaterThan(benchmarkQuality('gpt-4o-mini')?.default ?? 1);
  });

  it('has no row for unknown families', () => {
    expect(benchmarkQuality('unknown')).toBeUndefined();
  });
});
