/**
 * Prints the shipped task classifier's accuracy on the held-out split: per class, overall, and
 * the confusion matrix, for all held-out prompts and for the chat-style ones alone.
 *
 * Run: `npm run eval:classifier` (compiles with `tsc -p scripts/tsconfig.classifier.json`, then
 * runs `node dist/scripts/eval-task-classifier.js`). The split is written by
 * `npm run train:classifier`, which never trains on it.
 */
import { readFileSync } from 'node:fs';
import { isTaskType } from '../src/spec/index.js';
import { defaultTaskClassifier } from '../src/routing/default-task-classifier.js';
import { evaluateTaskClassifier, formatTaskClassifierEvaluation, type LabelledPrompt } from '../src/routing/evaluate-task-classifier.js';

const holdoutUrl = new URL('../../test/routing/fixtures/task-classifier-holdout.jsonl', import.meta.url);
const holdout: LabelledPrompt[] = [];
for (const line of readFileSync(holdoutUrl, 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const row = JSON.parse(line) as { prompt?: unknown; task?: unknown; source?: unknown };
  if (typeof row.prompt === 'string' && isTaskType(row.task)) {
    holdout.push({ prompt: row.prompt, task: row.task, source: typeof row.source === 'string' ? row.source : 'unknown' });
  }
}
const classifier = defaultTaskClassifier();
const chatStyle = holdout.filter((e) => e.source === 'written' || e.source === 'alpaca-eval-hand-labelled');
console.log(`held-out prompts (${holdout.length}):\n${formatTaskClassifierEvaluation(evaluateTaskClassifier(classifier, holdout))}`);
console.log(`\nchat-style held-out prompts only (${chatStyle.length}):\n${formatTaskClassifierEvaluation(evaluateTaskClassifier(classifier, chatStyle))}`);

const samples = holdout.slice(0, 200).map((e) => e.prompt);
const meanChars = samples.reduce((acc, p) => acc + p.length, 0) / samples.length;
// Best of five passes after a warm-up: the machine may be busy with other work.
for (const prompt of samples) classifier.classify(prompt);
let bestUs = Infinity;
for (let pass = 0; pass < 5; pass += 1) {
  const started = process.hrtime.bigint();
  for (let r = 0; r < 10; r += 1) for (const prompt of samples) classifier.classify(prompt);
  bestUs = Math.min(bestUs, Number(process.hrtime.bigint() - started) / 1000 / (10 * samples.length));
}
console.log(`\nclassification: ${bestUs.toFixed(1)} µs per prompt (${samples.length} held-out prompts, ${Math.round(meanChars)} characters on average)`);
