import type { OpenAIChatChunk } from './openai-wire.js';
import { isObject, isPlainUsageOrNullish, nullish, numberOrNullish, stringOrNullish } from './plain-json-checks.js';

/**
 * The parsed chunk as it is when it is the common case — text, reasoning or refusal deltas,
 * finish reasons and plain usage, no tool calls or error — and every field the mapper reads has
 * the type `openAIChatChunkSchema` demands; undefined otherwise, and the caller runs the schema. Such a
 * chunk passes the schema unchanged except for unknown keys it would strip and the mapper never
 * reads, so skipping it changes nothing but the cost: zod copies every chunk object, 20-35 kB
 * of garbage per streamed answer.
 */
export function asPlainOpenAIChunk(json: unknown): OpenAIChatChunk | undefined {
  if (!isObject(json)) return undefined;
  if (!stringOrNullish(json.id) || !numberOrNullish(json.created) || !stringOrNullish(json.model)) return undefined;
  if (!isPlainUsageOrNullish(json.usage) || !nullish(json.x_groq) || !nullish(json.error)) return undefined;
  const choices = json.choices;
  if (!nullish(choices)) {
    if (!Array.isArray(choices)) return undefined;
    for (const choice of choices) {
      if (!isObject(choice) || !numberOrNullish(choice.index) || !stringOrNullish(choice.finish_reason)) return undefined;
      const delta = choice.delta;
      if (nullish(delta)) continue;
      if (!isObject(delta) || !nullish(delta.tool_calls)) return undefined;
      if (!stringOrNullish(delta.content) || !stringOrNullish(delta.refusal) || !stringOrNullish(delta.reasoning_content) || !stringOrNullish(delta.reasoning)) {
        return undefined;
      }
    }
  }
  return json as OpenAIChatChunk;
}
