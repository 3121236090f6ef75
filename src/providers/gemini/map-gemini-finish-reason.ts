import type { FinishReason } from '../../spec/finish-reason.js';

/** Finish reasons that mean Google's filters stopped the answer. */
const FILTERED = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);

/**
 * Maps a Gemini candidate's `finishReason` to OpenAI's vocabulary. Gemini says `STOP` after
 * function calls too, so the caller tells us whether the candidate called any. Reasons OpenAI has
 * no word for (`OTHER`, `LANGUAGE`, `MALFORMED_FUNCTION_CALL`, reasons added later) become
 * `stop`: the answer ended, and the content shows what there is of it.
 */
export function mapGeminiFinishReason(reason: string, hasToolCalls: boolean): FinishReason {
  if (reason === 'MAX_TOKENS') return 'length';
  if (FILTERED.has(reason)) return 'content_filter';
  return hasToolCalls ? 'tool_calls' : 'stop';
}
