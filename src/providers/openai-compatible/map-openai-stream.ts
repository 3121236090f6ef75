import type { StreamPart } from '../../spec/stream-part.js';
import { GatewayError } from '../../errors/gateway-error.js';
import type { SseEvent } from '../../http/sse-parser.js';
import { parseUpstreamJson } from '../../http/safe-json.js';
import { mapOpenAIErrorObject, type OpenAIErrorContext } from './map-openai-error.js';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
import { mapOpenAIUsage } from './map-openai-usage.js';
import { openAIChatChunkSchema, type OpenAIChatChunk } from './openai-wire.js';
import { asPlainOpenAIChunk } from './as-plain-openai-chunk.js';

export interface StreamMappingContext extends OpenAIErrorContext {
  /** Used in `start` when the upstream names no model. */
  model: string;
}

/**
 * Turns Chat Completions SSE events into typed stream parts.
 *
 * Finish and usage parts are held back until `[DONE]` (or a clean end of the body): a stream
 * cut after its finish chunk but before `[DONE]` must not look complete to the caller, and
 * OpenAI sends usage after the finish chunk anyway. A body that ends with neither `[DONE]` nor a
 * finish reason is a failure, never a clean finish.
 *
 * The source is read through its iterator and never closed here: after `[DONE]` the caller
 * drains the few bytes left so that the connection goes back to the pool instead of being cut.
 */
export async function* mapOpenAIStream(events: AsyncIterable<SseEvent>, context: StreamMappingContext): AsyncGenerator<StreamPart> {
  const iterator = events[Symbol.asyncIterator]();
  let started = false;
  let done = false;
  const finishes: StreamPart[] = [];
  let usage: StreamPart | undefined;

  for (;;) {
    const next = await iterator.next();
    if (next.done === true) break;
    const event = next.value;
    if (event.data === '[DONE]') {
      done = true;
      break;
    }
    const chunk = parseChunk(event.data, context);
    if (chunk.error != null) throw mapOpenAIErrorObject(chunk.error, {}, context);

    const choices = chunk.choices ?? [];
    // Azure opens with a chunk that only carries prompt filter results: no id, no choices.
    if (!started && (choices.length > 0 || (chunk.id ?? '') !== '')) {
      started = true;
      yield { type: 'start', id: chunk.id ?? '', model: chunk.model || context.model, created: chunk.created ?? Math.floor(Date.now() / 1000) };
    }

    for (const [position, choice] of choices.entries()) {
      const choiceIndex = choice.index ?? position;
      const delta = choice.delta;
      if (delta != null) {
        const reasoning = delta.reasoning_content ?? delta.reasoning;
        if (reasoning) yield { type: 'reasoning-delta', choiceIndex, text: reasoning };
        if (delta.content) yield { type: 'text-delta', choiceIndex, text: delta.content };
        if (delta.refusal) yield { type: 'refusal-delta', choiceIndex, text: delta.refusal };
        for (const [callPosition, call] of (delta.tool_calls ?? []).entries()) {
          const args = call.function?.arguments;
          const argumentsDelta = typeof args === 'string' ? args : args != null ? JSON.stringify(args) : '';
          const part: StreamPart = { type: 'tool-call-delta', choiceIndex, toolIndex: call.index ?? callPosition, argumentsDelta };
          if (call.id != null) part.id = call.id;
          if (call.function?.name != null) part.name = call.function.name;
          if (part.id !== undefined || part.name !== undefined || argumentsDelta !== '') yield part;
        }
      }
      if (choice.finish_reason != null) {
        finishes.push({ type: 'finish', choiceIndex, finishReason: mapOpenAIFinishReason(choice.finish_reason) });
      }
    }

    const reported = chunk.usage ?? chunk.x_groq?.usage;
    if (reported != null) usage = { type: 'usage', usage: mapOpenAIUsage(reported) };
  }

  if (!done && finishes.length === 0) {
    throw new GatewayError('network_error', `${context.deploymentId}: the stream ended without [DONE] or a finish reason.`, {
      deploymentId: context.deploymentId,
    });
  }
  yield* finishes;
  if (usage !== undefined) yield usage;
}

function parseChunk(data: string, context: OpenAIErrorContext): OpenAIChatChunk {
  const json = parseUpstreamJson(data, `${context.deploymentId}: stream chunk`);
  const plain = asPlainOpenAIChunk(json);
  if (plain !== undefined) return plain;
  const parsed = openAIChatChunkSchema.safeParse(json);
  if (!parsed.success) {
    throw new GatewayError('upstream_bad_response', `${context.deploymentId}: unexpected stream chunk: ${parsed.error.issues[0]?.message ?? 'invalid'}`, {
      deploymentId: context.deploymentId,
      cause: parsed.error,
    });
  }
  return parsed.data;
}
