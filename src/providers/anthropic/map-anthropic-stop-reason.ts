import type { FinishReason } from '../../spec/finish-reason.js';

/**
 * Anthropic `stop_reason` to OpenAI's finish reason. `pause_turn` (a server tool paused a long
 * turn) ends this answer normally; the caller may continue it. Unknown future reasons count as
 * a normal stop rather than failing an answer that arrived complete.
 */
export function mapAnthropicStopReason(stopReason: string | null | undefined): FinishReason {
  switch (stopReason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    case 'end_turn':
    case 'stop_sequence':
    case 'pause_turn':
    default:
      return 'stop';
  }
}
