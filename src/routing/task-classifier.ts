import type { TaskType } from '../spec/index.js';

/** A task prediction with the classifier's probability for every task. */
export interface TaskPrediction {
  task: TaskType;
  /** Probability of `task`, in [0, 1]. */
  confidence: number;
  probabilities: Readonly<Record<TaskType, number>>;
}

/** Predicts the task type of a prompt. The shipped implementation is `LinearTaskClassifier`. */
export interface TaskClassifier {
  classify(text: string): TaskPrediction;
}
