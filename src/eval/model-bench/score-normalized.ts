import { finalAnswerText } from './final-answer-text.js';
import { normalizeAnswer } from './normalize-answer.js';
import type { ScoreResult } from './score-result.js';

/**
 * Normalized match against the reference or any accepted alternative. With `contains`, the
 * normalized reference may appear anywhere in the normalized answer as whole words.
 */
export function scoreNormalized(answer: string, reference: string, options: { contains?: boolean; accept?: string[] } = {}): ScoreResult {
  const expected = [reference, ...(options.accept ?? [])].map(normalizeAnswer).filter((text) => text !== '');
  const candidates = options.contains === true ? [normalizeAnswer(answer)] : [normalizeAnswer(finalAnswerText(answer)), normalizeAnswer(answer)];
  for (const got of candidates) {
    for (const want of expected) {
      const ok = options.contains === true ? ` ${got} `.includes(` ${want} `) : got === want;
      if (ok) return { score: 1, detail: `matched "${want}"` };
    }
  }
  return { score: 0, detail: `expected "${expected[0] ?? ''}", got "${(candidates[0] ?? '').slice(0, 80)}"` };
}
