import type { GatewayErrorInfo } from './gateway-error-info.js';
import type { FinishReason } from './finish-reason.js';
import type { Usage } from './usage.js';

/**
 * Typed pieces of a streamed answer. Adapters parse their provider's SSE once into these; the
 * server writes OpenAI SSE from them at the edge.
 */
export type StreamPart =
  | { type: 'start'; id: string; model: string; created: number }
  | { type: 'text-delta'; choiceIndex: number; text: string }
  | { type: 'reasoning-delta'; choiceIndex: number; text: string }
  | { type: 'refusal-delta'; choiceIndex: number; text: string }
  | {
      type: 'tool-call-delta';
      choiceIndex: number;
      /** Position of the call among this choice's tool calls. */
      toolIndex: number;
      /** Present on the first delta of a call. */
      id?: string;
      name?: string;
      argumentsDelta: string;
    }
  | { type: 'finish'; choiceIndex: number; finishReason: FinishReason }
  | { type: 'usage'; usage: Usage }
  /** A failure reported inside the stream by the upstream (e.g. Anthropic's `error` event). */
  | { type: 'error'; error: GatewayErrorInfo };

/** Parts that carry answer content: the first of them is the commit point for streaming failover. */
export function isContentPart(part: StreamPart): boolean {
  return (
    part.type === 'text-delta' ||
    part.type === 'tool-call-delta' ||
    part.type === 'refusal-delta' ||
    part.type === 'reasoning-delta'
  );
}
