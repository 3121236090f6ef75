import { describe, expect, it } from 'vitest';
import { calculateScore, classifyTask, seedKeywordsPolicy } from '../../src/eval/policies/seed-keywords-policy.js';
import type { RoutingExample } from '../../src/eval/routing-dataset.js';

describe('seed keyword router', () => {
  it('classifies by the seed keywords and context length', () => {
    expect(classifyTask('Explain quantum entanglement', 5000)).toMatchObject({ isReasoning: true, isCoding: false, complexity: 'complex' });
    expect(classifyTask('Please DEBUG this', 10)).toMatchObject({ isCoding: true, complexity: 'complex' });
    expect(classifyTask('What is 2+2?', 100)).toMatchObject({ isReasoning: false, isCoding: false, complexity: 'simple' });
    expect(classifyTask('hi', 60_000).complexity).toBe('very_complex');
  });

  it('scores like the seed: GPT-4 profile for a reasoning task with default priorities', () => {
    const gpt4 = { name: 'gpt-4', costPer1kTokens: 0.03, latencyMs: 2000, maxContextTokens: 128_000, reasoningCapability: 0.95, codingCapability: 0.92 };
    // 0.7 * 0.3 + 0.6 * 0.3 + 0.95 * 0.4
    expect(calculateScore(gpt4, 'reasoning', 0.3, 0.3, 0.4)).toBeCloseTo(0.77, 10);
    expect(calculateScore(gpt4, 'general', 0.3, 0.3, 0.4)).toBeCloseTo(0.21 + 0.18 + 0.935 * 0.4, 10);
  });

  it('moves to the cheaper model as the budget priority rises', () => {
    const example = (i: number): RoutingExample => ({
      id: String(i),
      task: 't',
      prompt: 'Why is the sky blue? '.repeat(20),
      outcomes: { cheap: { score: i % 2, cost: 0.0001 }, dear: { score: 1, cost: 0.05 } },
    });
    const fitted = seedKeywordsPolicy.fit({ train: Array.from({ length: 10 }, (_, i) => example(i)), models: ['cheap', 'dear'] });
    const picks = fitted.choose(example(99));
    expect(picks[0]).toBe('dear');
    expect(picks[picks.length - 1]).toBe('cheap');
  });
});
