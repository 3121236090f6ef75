import type { ScoreResult } from './score-result.js';

/** The answer, trimmed, is the reference, character for character. */
export function scoreExact(answer: string, reference: string): ScoreResult {
  const got = answer.trim();
  const ok = got === reference.trim();
  return { score: ok ? 1 : 0, detail: ok ? 'exact match' : `expected ${JSON.stringify(reference.trim())}, got ${JSON.stringify(got.slice(0, 80))}` };
}
