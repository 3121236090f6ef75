import type { ScoreResult } from './score-result.js';

/** Sends one prompt to the judge model and returns its answer text. */
export type JudgeCall = (prompt: string) => Promise<string>;

const GRADE = /\bSCORE\s*[:=]\s*(\d+(?:\.\d+)?)\s*(?:\/\s*10)?/i;

export function judgePrompt(question: string, reference: string, answer: string, rubric?: string): string {
  return [
    'You grade an answer to a question against a reference answer.',
    rubric === undefined ? 'Judge correctness and completeness against the reference; ignore style and length.' : `Rubric: ${rubric}`,
    '',
    `Question:\n${question}`,
    '',
    `Reference answer:\n${reference}`,
    '',
    `Answer to grade:\n${answer}`,
    '',
    'Reply with one line "SCORE: n" where n is an integer from 0 (wrong) to 10 (fully right), then one sentence of reason.',
  ].join('\n');
}

/** The judge's 0–10 grade as a [0, 1] score; null when no judge is configured or its reply has no grade. */
export async function scoreWithJudge(question: string, reference: string, answer: string, judge: JudgeCall | undefined, rubric?: string): Promise<ScoreResult> {
  if (judge === undefined) return { score: null, detail: 'no judge model configured (--judge)' };
  const reply = await judge(judgePrompt(question, reference, answer, rubric));
  const match = GRADE.exec(reply);
  if (match === null) return { score: null, detail: `judge reply has no grade: "${reply.slice(0, 80)}"` };
  const grade = Math.min(10, Math.max(0, Number(match[1])));
  return { score: grade / 10, detail: `judge: ${grade}/10` };
}
