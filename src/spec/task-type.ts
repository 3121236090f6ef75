/** Task types the request analysis distinguishes. */
export const TASK_TYPES = [
  'coding',
  'math',
  'reasoning',
  'knowledge',
  'summarization',
  'translation',
  'extraction',
  'creative',
  'chat',
] as const;

export type TaskType = (typeof TASK_TYPES)[number];

export function isTaskType(value: unknown): value is TaskType {
  return typeof value === 'string' && (TASK_TYPES as readonly string[]).includes(value);
}
