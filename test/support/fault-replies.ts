import type { FakeReply } from './fake-upstream.js';

/** Token counts a fault upstream reports, in OpenAI's field names once written. */
export interface FaultUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface AnswerShape {
  id: string;
  model: string;
  created: number;
  /** The answer, split into the deltas a stream sends. */
  pieces: string[];
  usage: FaultUsage;
  /** Whether the client asked for a usage chunk (`stream_options.include_usage`). */
  includeUsage: boolean;
}

function usageBody(usage: FaultUsage) {
  return { prompt_tokens: usage.inputTokens, completion_tokens: usage.outputTokens, total_tokens: usage.inputTokens + usage.outputTokens };
}

/** A Chat Completions JSON answer as OpenAI writes it. */
export function completionBody(answer: AnswerShape): unknown {
  return {
    id: answer.id,
    object: 'chat.completion',
    created: answer.created,
    model: answer.model,
    choices: [{ index: 0, message: { role: 'assistant', content: answer.pieces.join(''), refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: usageBody(answer.usage),
    system_fingerprint: 'fp_fault',
  };
}

/**
 * The SSE events of a streamed answer: a role chunk with empty content (as OpenAI opens), one
 * chunk per piece, the finish chunk, the usage chunk when asked for, then `[DONE]`.
 */
export function streamEvents(answer: AnswerShape): Array<{ data: unknown }> {
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => ({
    id: answer.id,
    object: 'chat.completion.chunk',
    created: answer.created,
    model: answer.model,
    system_fingerprint: 'fp_fault',
    choices,
    ...extra,
  });
  const events: Array<{ data: unknown }> = [{ data: chunk([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }]) }];
  for (const piece of answer.pieces) events.push({ data: chunk([{ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null }]) });
  events.push({ data: chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]) });
  if (answer.includeUsage) events.push({ data: chunk([], { usage: usageBody(answer.usage) }) });
  events.push({ data: '[DONE]' });
  return events;
}

/** OpenAI's error body. */
export function errorReply(status: number, error: { message: string; type: string; code: string | null; param?: string | null }, headers?: Record<string, string>): FakeReply {
  return { kind: 'json', status, ...(headers === undefined ? {} : { headers }), body: { error: { param: null, ...error } } };
}

export const rateLimitedReply = (retryAfterMs: number): FakeReply =>
  errorReply(
    429,
    { message: 'Rate limit reached for requests per min (RPM). Please try again shortly.', type: 'requests', code: 'rate_limit_exceeded' },
    { 'retry-after-ms': String(retryAfterMs), 'retry-after': String(Math.ceil(retryAfterMs / 1000)) },
  );

export const serverErrorReply = (): FakeReply =>
  errorReply(500, { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', code: null });

export const overloadedReply = (): FakeReply =>
  errorReply(503, { message: 'The engine is currently overloaded, please try again later.', type: 'server_error', code: null });

export const contextOverflowReply = (window: number, requested: number): FakeReply =>
  errorReply(400, {
    message: `This model's maximum context length is ${window} tokens. However, your messages resulted in ${requested} tokens. Please reduce the length of the messages.`,
    type: 'invalid_request_error',
    code: 'context_length_exceeded',
    param: 'messages',
  });

export const contentFilterReply = (): FakeReply =>
  errorReply(400, {
    message: "The response was filtered due to the prompt triggering the content management policy. Please modify your prompt and retry.",
    type: 'invalid_request_error',
    code: 'content_filter',
    param: 'prompt',
  });

export const authReply = (): FakeReply =>
  errorReply(401, { message: 'Incorrect API key provided: sk-fault***. You can find your API key at https://platform.openai.com/account/api-keys.', type: 'invalid_request_error', code: 'invalid_api_key' });
