import type { TaskType } from '../spec/index.js';

/**
 * Typical answer lengths per task when the caller sets no cap, in tokens. Translation and
 * summarization scale with the input instead: a translation is about as long as its source, a
 * summary a fraction of it.
 */
const TYPICAL_OUTPUT: Readonly<Record<TaskType, number>> = {
  chat: 150,
  knowledge: 350,
  extraction: 250,
  reasoning: 450,
  math: 500,
  coding: 700,
  creative: 600,
  summarization: 300,
  translation: 300,
};

/** Expected output tokens for budgeting cost and latency; harder requests get longer answers. */
export function estimateOutputTokens(task: TaskType, inputTokens: number, difficulty: number): number {
  let base = TYPICAL_OUTPUT[task];
  if (task === 'translation') base = Math.max(50, Math.round(inputTokens * 1.1));
  if (task === 'summarization') base = Math.min(1_000, Math.max(120, Math.round(inputTokens * 0.1)));
  return Math.round(base * (0.75 + difficulty));
}
