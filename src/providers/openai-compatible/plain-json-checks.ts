/*
 * Hand checks for the common shapes of OpenAI-compatible answers, used before falling back to the
 * zod wire schemas: a value that passes is what the schema would accept, and the mappers read
 * from it exactly what they would read from the schema's copy.
 */

export function nullish(value: unknown): boolean {
  return value === null || value === undefined;
}

export function stringOrNullish(value: unknown): boolean {
  return value === null || value === undefined || typeof value === 'string';
}

export function numberOrNullish(value: unknown): boolean {
  return value === null || value === undefined || typeof value === 'number';
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Absent, or a usage object whose every field `openAIUsageSchema` reads has its type. */
export function isPlainUsageOrNullish(usage: unknown): boolean {
  if (nullish(usage)) return true;
  if (!isObject(usage) || !numberOrNullish(usage.prompt_tokens) || !numberOrNullish(usage.completion_tokens)) return false;
  const prompt = usage.prompt_tokens_details;
  if (!nullish(prompt) && !(isObject(prompt) && numberOrNullish(prompt.cached_tokens))) return false;
  const completion = usage.completion_tokens_details;
  return nullish(completion) || (isObject(completion) && numberOrNullish(completion.reasoning_tokens));
}
