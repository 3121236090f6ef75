import type { FinishReason } from '../../spec/finish-reason.js';

/**
 * OpenAI's finish reasons, plus what compatible servers say instead: legacy `function_call`,
 * `eos` / `end_turn` from some local servers, and vLLM's `abort` (the engine dropped the request).
 */
export function mapOpenAIFinishReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'length':
    case 'max_tokens':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    case 'content_filter':
      return 'content_filter';
    case 'abort':
    case 'error':
      return 'error';
    default:
      return 'stop';
  }
}
