import type { ToolCall } from './chat-message.js';
import type { FinishReason } from './finish-reason.js';
import type { Usage } from './usage.js';

/** A complete (non-streaming) answer in neutral form. */
export interface ChatResponse {
  /** The upstream's response id where it gave one. */
  id: string;
  /** Unix seconds. */
  created: number;
  /** The model name the upstream says answered. */
  model: string;
  choices: ChatChoice[];
  usage: Usage;
  systemFingerprint?: string;
}

export interface ChatChoice {
  index: number;
  message: {
    role: 'assistant';
    content: string | null;
    toolCalls?: ToolCall[];
    refusal?: string | null;
    /** Visible reasoning text where the provider returns it (Anthropic thinking, Gemini thoughts). */
    reasoning?: string;
  };
  finishReason: FinishReason;
}
