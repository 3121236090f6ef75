import type { TaskType } from './task-type.js';

/** What the router knows of a request; computed once per request by routing's analysis. */
export interface RequestProfile {
  task: TaskType;
  /** Classifier confidence for `task` in [0, 1]; 1 when the caller named the task. */
  taskConfidence: number;
  taskSource: 'caller' | 'classifier';
  /** Estimated difficulty in [0, 1]. */
  difficulty: number;
  inputTokens: number;
  /** What we budget for output: the caller's max tokens, or an estimate for the task. */
  expectedOutputTokens: number;
  /** The caller's explicit output cap, if any; used for the context-window check and reservations. */
  maxOutputTokens?: number;
  needs: { tools: boolean; vision: boolean; json: boolean; streaming: boolean };
}
