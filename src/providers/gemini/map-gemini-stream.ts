import { randomUUID } from 'node:crypto';
import type { StreamPart } from '../../spec/stream-part.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { GeminiFunctionCallAssembler, type AssembledFunctionCall } from './gemini-function-call-assembler.js';
import { geminiPromptBlockedError } from './gemini-prompt-blocked-error.js';
import { geminiToolCallId } from './gemini-tool-call-id.js';
import type { GeminiResponse, GeminiUsageMetadata } from './gemini-wire.js';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';
import { mapGeminiUsage } from './map-gemini-usage.js';

export interface MapGeminiStreamContext {
  model: string;
  deploymentId?: string;
  now: () => number;
}

interface ChoiceState {
  calls: GeminiFunctionCallAssembler;
  toolCount: number;
  finished: boolean;
}

/**
 * Maps the responses of `streamGenerateContent` (each SSE event is a whole
 * GenerateContentResponse holding the next slice of every candidate) to typed stream parts.
 * Usage comes from the last `usageMetadata` that carries counts; Google repeats running totals
 * on every event. A stream that ends before every candidate has a finish reason is a failure,
 * never a clean finish.
 */
export async function* mapGeminiStream(events: AsyncIterable<GeminiResponse>, context: MapGeminiStreamContext): AsyncGenerator<StreamPart> {
  const choices = new Map<number, ChoiceState>();
  let started = false;
  let responseId: string | undefined;
  let usage: GeminiUsageMetadata | undefined;
  const where = context.deploymentId ?? 'gemini';
  const errorOptions = context.deploymentId !== undefined ? { deploymentId: context.deploymentId } : {};

  for await (const event of events) {
    const candidates = event.candidates ?? [];
    if (candidates.length === 0 && event.promptFeedback?.blockReason !== undefined) {
      throw geminiPromptBlockedError(event.promptFeedback, context.deploymentId);
    }
    if (!started) {
      started = true;
      responseId = event.responseId;
      yield { type: 'start', id: responseId ?? `gemini-${randomUUID()}`, model: event.modelVersion ?? context.model, created: Math.floor(context.now() / 1000) };
    }
    if (hasCounts(event.usageMetadata)) usage = event.usageMetadata;

    for (const [position, candidate] of candidates.entries()) {
      const choiceIndex = candidate.index ?? position;
      let state = choices.get(choiceIndex);
      if (state === undefined) {
        state = { calls: new GeminiFunctionCallAssembler(), toolCount: 0, finished: false };
        choices.set(choiceIndex, state);
      }
      const toolDelta = (call: AssembledFunctionCall): StreamPart => {
        const toolIndex = state.toolCount;
        state.toolCount += 1;
        return {
          type: 'tool-call-delta',
          choiceIndex,
          toolIndex,
          id: geminiToolCallId(call.id, responseId, toolIndex),
          name: call.name,
          argumentsDelta: JSON.stringify(call.args),
        };
      };

      for (const part of candidate.content?.parts ?? []) {
        if (part.functionCall !== undefined) {
          for (const call of state.calls.push(part.functionCall)) yield toolDelta(call);
        } else if (part.text !== undefined && part.text.length > 0) {
          yield { type: part.thought === true ? 'reasoning-delta' : 'text-delta', choiceIndex, text: part.text };
        }
      }

      if (candidate.finishReason !== undefined && !state.finished) {
        const open = state.calls.flush();
        if (open !== undefined) yield toolDelta(open);
        state.finished = true;
        yield { type: 'finish', choiceIndex, finishReason: mapGeminiFinishReason(candidate.finishReason, state.toolCount > 0) };
      }
    }
  }

  if (choices.size === 0 || [...choices.values()].some((state) => !state.finished)) {
    throw new GatewayError('upstream_bad_response', `${where}: the stream ended before a finish reason.`, errorOptions);
  }
  if (usage !== undefined) yield { type: 'usage', usage: mapGeminiUsage(usage) };
}

function hasCounts(metadata: GeminiUsageMetadata | undefined): metadata is GeminiUsageMetadata {
  return metadata !== undefined && (metadata.promptTokenCount !== undefined || metadata.candidatesTokenCount !== undefined || metadata.totalTokenCount !== undefined);
}
