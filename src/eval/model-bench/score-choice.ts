import { finalAnswerText } from './final-answer-text.js';
import type { ScoreResult } from './score-result.js';

/**
 * The option letter an answer picks: "Answer: B", "(B)", "B)" or "B." at the start, "option B",
 * or a lone capital letter among the allowed options. The first clear signal wins.
 */
export function chosenLetter(answer: string, options = 'ABCDE'): string | undefined {
  const allowed = `[${options}]`;
  const patterns = [
    new RegExp(`^\\s*\\(?(${allowed})\\)?\\s*$`),
    new RegExp(`^\\s*\\(?(${allowed})[).:]`),
    new RegExp(`\\b(?:answer|option|choice)\\s*(?:is)?\\s*[:=]?\\s*\\(?(${allowed})\\b`, 'i'),
    new RegExp(`\\((${allowed})\\)`),
  ];
  for (const text of [finalAnswerText(answer), answer]) {
    for (const pattern of patterns) {
      const letter = pattern.exec(text)?.[1];
      if (letter !== undefined) return letter.toUpperCase();
    }
  }
  const lone = answer.match(new RegExp(`\\b${allowed}\\b`, 'g'));
  return lone !== null && new Set(lone).size === 1 ? lone[0] : undefined;
}

/** The chosen letter equals the reference letter. */
export function scoreChoice(answer: string, reference: string, options?: string): ScoreResult {
  const expected = reference.trim().toUpperCase();
  const got = chosenLetter(answer, options);
  if (got === undefined) return { score: 0, detail: `expected ${expected}, no option chosen` };
  return { score: got === expected ? 1 : 0, detail: `expected ${expected}, got ${got}` };
}
