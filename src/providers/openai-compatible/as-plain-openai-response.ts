import type { OpenAIChatResponse } from './openai-wire.js';
import { isObject, isPlainUsageOrNullish, nullish, numberOrNullish, stringOrNullish } from './plain-json-checks.js';

/**
 * The parsed Chat Completions answer as it is when it is the common case — text, refusal or
 * reasoning messages, no tool calls, plain usage — and every field `mapOpenAIResponse` reads has
 * the type `openAIChatResponseSchema` demands; undefined otherwise, and the caller runs the
 * schema. Such an answer passes the schema unchanged except for unknown keys it would strip and
 * the mapper never reads, so skipping the schema's copy changes nothing but its cost on every
 * JSON answer.
 */
export function asPlainOpenAIResponse(json: unknown): OpenAIChatResponse | undefined {
  if (!isObject(json)) return undefined;
  if (!stringOrNullish(json.id) || !numberOrNullish(json.created) || !stringOrNullish(json.model) || !stringOrNullish(json.system_fingerprint)) return undefined;
  if (!isPlainUsageOrNullish(json.usage) || !Array.isArray(json.choices)) return undefined;
  for (const choice of json.choices) {
    if (!isObject(choice) || !numberOrNullish(choice.index) || !stringOrNullish(choice.finish_reason)) return undefined;
    const message = choice.message;
    if (!isObject(message) || !nullish(message.tool_calls)) return undefined;
    if (!stringOrNullish(message.content) || !stringOrNullish(message.refusal) || !stringOrNullish(message.reasoning_content) || !stringOrNullish(message.reasoning)) {
      return undefined;
    }
  }
  return json as OpenAIChatResponse;
}
