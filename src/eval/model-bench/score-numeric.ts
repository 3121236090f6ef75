import { finalAnswerText } from './final-answer-text.js';
import { lastNumber } from './parse-number.js';
import type { ScoreResult } from './score-result.js';

/**
 * The answer's final number (after an "Answer:" marker when there is one, else the last number
 * in the text) is within `absTolerance` or `relTolerance` of the reference.
 */
export function scoreNumeric(answer: string, reference: string, options: { absTolerance?: number; relTolerance?: number } = {}): ScoreResult {
  const expected = lastNumber(reference);
  if (expected === undefined) return { score: null, detail: `reference "${reference}" holds no number` };
  const got = lastNumber(finalAnswerText(answer)) ?? lastNumber(answer);
  if (got === undefined) return { score: 0, detail: `expected ${expected}, found no number` };
  const abs = options.absTolerance ?? 1e-9;
  const rel = options.relTolerance ?? 1e-6;
  const ok = Math.abs(got - expected) <= Math.max(abs, rel * Math.abs(expected));
  return { score: ok ? 1 : 0, detail: `expected ${expected}, got ${got}` };
}
