import type { StreamPart } from '../../spec/stream-part.js';
import { GatewayError } from '../../errors/gateway-error.js';
import type { SseEvent } from '../../http/sse-decoder.js';
import { parseUpstreamJson } from '../../http/safe-json.js';
import { mapOpenAIErrorObject, type OpenAIErrorContext } from './map-openai-error.js';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
import { mapOpenAIUsage } from './map-openai-usage.js';
import { openAIChatChunkSchema, type OpenAIChatChunk } from './openai-wire.js';
import { asPlainOpenAIChunk } from './as-plain-openai-chunk.js';
import { contentInEnvelope, textChunkEnvelope, type TextChunkEnvelope } from './text-chunk-envelope.js';

export interface StreamMappingContext extends OpenAIErrorContext {
  /** Used in `start` when the upstream names no model. */
  model: string;
}

/**
 * Turns Chat Completions SSE events into typed stream parts, one event at a time and
 * synchronously, so that the adapter reading the body yields the parts itself instead of
 * passing each through generator layers of its own.
 *
 * Finish and usage parts are held back until `[DONE]` (or a clean end of the body): a stream
 * cut after its finish chunk but before `[DONE]` must not look complete to the caller, and
 * OpenAI sends usage after the finish chunk anyway. A body that ends with neither `[DONE]` nor a
 * finish reason is a failure, never a clean finish.
 */
export class OpenAIStreamMapper {
  private started = false;
  private done = false;
  private readonly finishes: StreamPart[] = [];
  private usage: StreamPart | undefined;
  /** Around the content of the last plain text chunk: the next such chunk skips the full parse. */
  private envelope: TextChunkEnvelope | undefined;

  constructor(private readonly context: StreamMappingContext) {}

  /** Appends the parts of one event to `out`; false once the event was `[DONE]` (read no further). Throws on an upstream error. */
  map(event: SseEvent, out: StreamPart[]): boolean {
    if (event.data === '[DONE]') {
      this.done = true;
      return false;
    }
    const { context, envelope } = this;
    if (envelope !== undefined) {
      // The envelope's chunk was mapped already (so the stream has started): only its text differs.
      const text = contentInEnvelope(event.data, envelope);
      if (text !== undefined) {
        if (text) out.push({ type: 'text-delta', choiceIndex: envelope.choiceIndex, text });
        return true;
      }
    }
    const chunk = parseChunk(event.data, context);
    if (chunk.error != null) throw mapOpenAIErrorObject(chunk.error, {}, context);
    this.envelope = textChunkEnvelope(event.data, chunk) ?? envelope;

    const choices = chunk.choices ?? [];
    // Azure opens with a chunk that only carries prompt filter results: no id, no choices.
    if (!this.started && (choices.length > 0 || (chunk.id ?? '') !== '')) {
      this.started = true;
      out.push({ type: 'start', id: chunk.id ?? '', model: chunk.model || context.model, created: chunk.created ?? Math.floor(Date.now() / 1000) });
    }

    for (let position = 0; position < choices.length; position += 1) {
      const choice = choices[position]!;
      const choiceIndex = choice.index ?? position;
      const delta = choice.delta;
      if (delta != null) {
        const reasoning = delta.reasoning_content ?? delta.reasoning;
        if (reasoning) out.push({ type: 'reasoning-delta', choiceIndex, text: reasoning });
        if (delta.content) out.push({ type: 'text-delta', choiceIndex, text: delta.content });
        if (delta.refusal) out.push({ type: 'refusal-delta', choiceIndex, text: delta.refusal });
        if (delta.tool_calls != null) mapToolCalls(delta.tool_calls, choiceIndex, out);
      }
      if (choice.finish_reason != null) {
        this.finishes.push({ type: 'finish', choiceIndex, finishReason: mapOpenAIFinishReason(choice.finish_reason) });
      }
    }

    const reported = chunk.usage ?? chunk.x_groq?.usage;
    if (reported != null) this.usage = { type: 'usage', usage: mapOpenAIUsage(reported) };
    return true;
  }

  /** Appends the held-back finish and usage parts once the body is over; throws when it ended incomplete. */
  end(out: StreamPart[]): void {
    if (!this.done && this.finishes.length === 0) {
      throw new GatewayError('network_error', `${this.context.deploymentId}: the stream ended without [DONE] or a finish reason.`, {
        deploymentId: this.context.deploymentId,
      });
    }
    for (const finish of this.finishes) out.push(finish);
    if (this.usage !== undefined) out.push(this.usage);
  }
}

type ToolCallDeltas = NonNullable<NonNullable<NonNullable<OpenAIChatChunk['choices']>[number]['delta']>['tool_calls']>;

function mapToolCalls(calls: ToolCallDeltas, choiceIndex: number, out: StreamPart[]): void {
  for (const [callPosition, call] of calls.entries()) {
    const args = call.function?.arguments;
    const argumentsDelta = typeof args === 'string' ? args : args != null ? JSON.stringify(args) : '';
    const part: StreamPart = { type: 'tool-call-delta', choiceIndex, toolIndex: call.index ?? callPosition, argumentsDelta };
    if (call.id != null) part.id = call.id;
    if (call.function?.name != null) part.name = call.function.name;
    if (part.id !== undefined || part.name !== undefined || argumentsDelta !== '') out.push(part);
  }
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
