import { extractCodeBlock } from './extract-code-block.js';
import { runCodeTests } from './run-code-tests.js';
import type { ScoreResult } from './score-result.js';

/** The answer's code, run against the item's tests in a child process: 1 when they pass. */
export async function scoreCode(answer: string, options: { language: 'python' | 'javascript'; tests: string; timeoutMs?: number }): Promise<ScoreResult> {
  const code = extractCodeBlock(answer, options.language);
  const run = await runCodeTests({ language: options.language, code, tests: options.tests, ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }) });
  if (run.passed) return { score: 1, detail: 'tests passed' };
  if (run.timedOut) return { score: 0, detail: 'timed out' };
  const lastLine = run.output.split('\n').filter((line) => line.trim() !== '').pop() ?? '';
  return { score: 0, detail: `tests failed (exit ${run.exitCode}): ${lastLine.slice(0, 160)}` };
}
