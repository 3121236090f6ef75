import type { ScoreResult } from './score-result.js';

/** The answer matches the item's pattern. */
export function scoreRegex(answer: string, pattern: string, flags = ''): ScoreResult {
  const ok = new RegExp(pattern, flags).test(answer);
  return { score: ok ? 1 : 0, detail: ok ? `matches /${pattern}/` : `does not match /${pattern}/` };
}
