import type { ChatRequest } from '../../spec/chat-request.js';

/** How a model family takes its thinking control: Gemini 3 and later by level, 2.5 by token budget. */
export type GeminiThinkingControl = 'level' | 'budget' | 'none';

type Effort = NonNullable<ChatRequest['reasoningEffort']>;

/*
 * Gemini 3 Pro accepts only `low` and `high`, so the four OpenAI efforts fold onto those two.
 * Gemini 2.5 budgets differ per model (Pro needs at least 128, Flash-Lite 0 or at least 512, Flash
 * tops out at 24576); these budgets are valid on all of them.
 */
const LEVELS: Record<Effort, 'low' | 'high'> = { minimal: 'low', low: 'low', medium: 'high', high: 'high' };
const BUDGETS: Record<Effort, number> = { minimal: 512, low: 1024, medium: 8192, high: 24_576 };

/** Maps OpenAI's `reasoning_effort` to Gemini's `thinkingConfig`; undefined where the model has no such control. */
export function mapGeminiReasoningEffort(effort: Effort, control: GeminiThinkingControl): { thinkingLevel?: 'low' | 'high'; thinkingBudget?: number } | undefined {
  switch (control) {
    case 'level':
      return { thinkingLevel: LEVELS[effort] };
    case 'budget':
      return { thinkingBudget: BUDGETS[effort] };
    case 'none':
      return undefined;
  }
}

/** Reads the control style from a model name such as `gemini-2.5-flash` or `models/gemini-3-pro-preview`. */
export function geminiThinkingControl(model: string): GeminiThinkingControl {
  const match = /^(?:models\/)?gemini-(\d+)(?:\.(\d+))?/.exec(model);
  if (match?.[1] === undefined) return 'none';
  const major = Number(match[1]);
  const minor = Number(match[2] ?? 0);
  if (major >= 3) return 'level';
  return major === 2 && minor >= 5 ? 'budget' : 'none';
}
