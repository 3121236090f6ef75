import type { ChatRequestBody } from './chat-request-schema.js';

type Check = (value: unknown) => boolean;

const isNumberIn = (min: number, max: number): Check => (value) => typeof value === 'number' && value >= min && value <= max;
const isSafeIntegerIn = (min: number, max: number): Check => (value) => Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max;
const isBoolean: Check = (value) => typeof value === 'boolean';
const isString: Check = (value) => typeof value === 'string';

/** `stream_options` is a strict object of two optional booleans. */
const isStreamOptions: Check = (value) => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const [key, flag] of Object.entries(value)) {
    if ((key !== 'include_usage' && key !== 'include_obfuscation') || (flag !== undefined && typeof flag !== 'boolean')) return false;
  }
  return true;
};

/** Top-level fields this fast path checks itself; any other field the schema models sends the body to the schema. */
const SIMPLE_FIELDS: ReadonlyMap<string, Check> = new Map(Object.entries({
  stream: isBoolean,
  stream_options: isStreamOptions,
  temperature: isNumberIn(0, 2),
  top_p: isNumberIn(0, 1),
  max_tokens: isSafeIntegerIn(1, Number.MAX_SAFE_INTEGER),
  max_completion_tokens: isSafeIntegerIn(1, Number.MAX_SAFE_INTEGER),
  n: isSafeIntegerIn(1, 128),
  seed: isSafeIntegerIn(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
  user: isString,
  presence_penalty: isNumberIn(-2, 2),
  frequency_penalty: isNumberIn(-2, 2),
}));

const ROLES = new Set(['system', 'developer', 'user', 'assistant']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPlainMessage(value: unknown): boolean {
  if (!isPlainObject(value) || typeof value.role !== 'string' || !ROLES.has(value.role)) return false;
  if (typeof value.content !== 'string') return false;
  if (value.name !== undefined && typeof value.name !== 'string') return false;
  // Assistant turns with tool calls or refusals, and tool results, are the schema's to read.
  return value.role !== 'assistant' || (value.tool_calls == null && value.refusal == null);
}

/**
 * The body as `chatRequestSchema` would return it, when it is the common case: a model, string
 * messages from system, developer, user or assistant, and only plain sampling fields (stream,
 * temperature, max_tokens, ...), each of the type and in the range the schema demands; undefined
 * for anything else (tools, response formats, content parts, routing, a wrong
 * type or range), and the caller runs the schema, whose messages the client gets. The schema
 * keeps unknown top-level fields and would only strip unknown message fields that the request
 * mapping never reads, so both paths give the same ChatRequest; this one skips zod's copy of
 * the whole body (1.4 % of busy samples at c=32).
 */
export function asPlainChatBody(body: Record<string, unknown>): ChatRequestBody | undefined {
  if (typeof body.model !== 'string' || body.model.length === 0) return undefined;
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) return undefined;
  for (const message of messages) if (!isPlainMessage(message)) return undefined;
  for (const key in body) {
    if (key === 'model' || key === 'messages') continue;
    const value = body[key];
    const check = SIMPLE_FIELDS.get(key);
    if (check !== undefined) {
      if (value !== null && !check(value)) return undefined;
    } else if (MODELLED_ELSEWHERE.has(key) && value != null) {
      return undefined;
    }
  }
  return body as ChatRequestBody;
}

/** Fields the schema models that this fast path leaves to it unless they are null. */
const MODELLED_ELSEWHERE: ReadonlySet<string> = new Set([
  'tools', 'tool_choice', 'parallel_tool_calls', 'response_format', 'stop', 'reasoning_effort', 'routing',
]);
