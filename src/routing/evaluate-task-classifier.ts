import { TASK_TYPES, type TaskType } from '../spec/index.js';
import type { TaskClassifier } from './task-classifier.js';

export interface LabelledPrompt {
  prompt: string;
  task: TaskType;
  /** Where the example came from (`gsm8k`, `written`...), for per-source breakdowns. */
  source?: string;
}

export interface TaskClassifierEvaluation {
  total: number;
  correct: number;
  accuracy: number;
  /** Recall per true class: the share of that class's prompts predicted correctly. */
  perClass: Record<TaskType, { total: number; correct: number; accuracy: number }>;
  /** `confusion[truth][predicted]` counts. */
  confusion: Record<TaskType, Record<TaskType, number>>;
}

export function evaluateTaskClassifier(classifier: TaskClassifier, examples: readonly LabelledPrompt[]): TaskClassifierEvaluation {
  const perClass = Object.fromEntries(TASK_TYPES.map((t) => [t, { total: 0, correct: 0, accuracy: 0 }])) as TaskClassifierEvaluation['perClass'];
  const confusion = Object.fromEntries(
    TASK_TYPES.map((t) => [t, Object.fromEntries(TASK_TYPES.map((p) => [p, 0]))]),
  ) as TaskClassifierEvaluation['confusion'];
  let correct = 0;
  for (const example of examples) {
    const predicted = classifier.classify(example.prompt).task;
    const row = perClass[example.task];
    row.total += 1;
    confusion[example.task][predicted] += 1;
    if (predicted === example.task) {
      row.correct += 1;
      correct += 1;
    }
  }
  for (const t of TASK_TYPES) perClass[t].accuracy = perClass[t].total ? perClass[t].correct / perClass[t].total : 0;
  return { total: examples.length, correct, accuracy: examples.length ? correct / examples.length : 0, perClass, confusion };
}

/** The evaluation as a plain-text table: per-class recall, then the confusion matrix. */
export function formatTaskClassifierEvaluation(evaluation: TaskClassifierEvaluation): string {
  const short = (t: string): string => t.slice(0, 6).padStart(7);
  const lines = [`overall accuracy ${(evaluation.accuracy * 100).toFixed(1)}% (${evaluation.correct}/${evaluation.total})`, ''];
  for (const t of TASK_TYPES) {
    const row = evaluation.perClass[t];
    if (row.total) lines.push(`${t.padEnd(14)} ${(row.accuracy * 100).toFixed(1).padStart(5)}%  (${row.correct}/${row.total})`);
  }
  lines.push('', `confusion (rows: truth, columns: predicted)`, `${''.padEnd(14)}${TASK_TYPES.map(short).join('')}`);
  for (const t of TASK_TYPES) {
    if (!evaluation.perClass[t].total) continue;
    lines.push(`${t.padEnd(14)}${TASK_TYPES.map((p) => String(evaluation.confusion[t][p]).padStart(7)).join('')}`);
  }
  return lines.join('\n');
}
