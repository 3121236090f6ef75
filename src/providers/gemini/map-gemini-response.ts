import { randomUUID } from 'node:crypto';
import type { ToolCall } from '../../spec/chat-message.js';
import type { ChatChoice, ChatResponse } from '../../spec/chat-response.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { geminiPromptBlockedError } from './gemini-prompt-blocked-error.js';
import { geminiToolCallId } from './gemini-tool-call-id.js';
import type { GeminiCandidate, GeminiResponse } from './gemini-wire.js';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';
import { mapGeminiUsage } from './map-gemini-usage.js';

export interface MapGeminiResponseContext {
  /** The configured model, for when the response names no `modelVersion`. */
  model: string;
  deploymentId?: string;
  /** Unix ms. */
  now: number;
}

/** Maps a whole `generateContent` answer; a blocked prompt throws `content_filtered`. */
export function mapGeminiResponse(response: GeminiResponse, context: MapGeminiResponseContext): ChatResponse {
  const candidates = response.candidates ?? [];
  if (candidates.length === 0) {
    if (response.promptFeedback?.blockReason !== undefined) throw geminiPromptBlockedError(response.promptFeedback, context.deploymentId);
    throw new GatewayError('upstream_bad_response', `${context.deploymentId ?? 'gemini'}: the answer has no candidates.`, {
      ...(context.deploymentId !== undefined ? { deploymentId: context.deploymentId } : {}),
    });
  }
  return {
    id: response.responseId ?? `gemini-${randomUUID()}`,
    created: Math.floor(context.now / 1000),
    model: response.modelVersion ?? context.model,
    choices: candidates.map((candidate, position) => mapCandidate(candidate, position, response.responseId)),
    usage: mapGeminiUsage(response.usageMetadata),
  };
}

function mapCandidate(candidate: GeminiCandidate, position: number, responseId: string | undefined): ChatChoice {
  let text = '';
  let reasoning = '';
  const toolCalls: ToolCall[] = [];
  for (const part of candidate.content?.parts ?? []) {
    if (part.functionCall?.name !== undefined) {
      toolCalls.push({
        id: geminiToolCallId(part.functionCall.id, responseId, toolCalls.length),
        type: 'function',
        function: { name: part.functionCall.name, arguments: JSON.stringify(part.functionCall.args ?? {}) },
      });
    } else if (part.text !== undefined) {
      if (part.thought === true) reasoning += part.text;
      else text += part.text;
    }
  }
  const choice: ChatChoice = {
    index: candidate.index ?? position,
    message: { role: 'assistant', content: text.length > 0 ? text : null },
    // A whole answer without a finish reason is unusual but complete; treat it as a plain stop.
    finishReason: mapGeminiFinishReason(candidate.finishReason ?? 'STOP', toolCalls.length > 0),
  };
  if (toolCalls.length > 0) choice.message.toolCalls = toolCalls;
  if (reasoning.length > 0) choice.message.reasoning = reasoning;
  return choice;
}
