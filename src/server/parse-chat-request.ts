import type { ChatMessage, ContentPart, TextPart } from '../spec/chat-message.js';
import type { ChatRequest, ResponseFormat, ToolChoice } from '../spec/chat-request.js';
import type { RoutingWishes } from '../spec/routing-wishes.js';
import { GatewayError } from '../errors/gateway-error.js';
import { chatRequestSchema, KNOWN_CHAT_FIELDS, type ChatRequestBody, type RoutingBody } from './chat-request-schema.js';
import { zodIssueToError } from './zod-issue-to-error.js';
import { asPlainChatBody } from './as-plain-chat-body.js';

type BodyMessage = ChatRequestBody['messages'][number];

function toMessage(message: BodyMessage): ChatMessage {
  switch (message.role) {
    case 'system':
    case 'developer':
      return message.name === undefined ? { role: message.role, content: message.content } : { role: message.role, content: message.content, name: message.name };
    case 'user': {
      const content: string | ContentPart[] =
        typeof message.content === 'string'
          ? message.content
          : message.content.map((part): ContentPart => {
              if (part.type === 'text') return { type: 'text', text: part.text };
              const image: ContentPart = { type: 'image', url: part.image_url.url };
              if (part.image_url.detail !== undefined) image.detail = part.image_url.detail;
              return image;
            });
      return message.name === undefined ? { role: 'user', content } : { role: 'user', content, name: message.name };
    }
    case 'assistant': {
      let content: string | TextPart[] | null = null;
      let refusal = message.refusal ?? undefined;
      if (typeof message.content === 'string') content = message.content;
      else if (Array.isArray(message.content)) {
        const texts: TextPart[] = [];
        for (const part of message.content) {
          if (part.type === 'text') texts.push({ type: 'text', text: part.text });
          else refusal = (refusal ?? '') + part.refusal;
        }
        content = texts;
      }
      const out: ChatMessage = { role: 'assistant', content };
      if (message.tool_calls && message.tool_calls.length > 0) {
        out.toolCalls = message.tool_calls.map((call) => ({ id: call.id, type: 'function', function: { name: call.function.name, arguments: call.function.arguments } }));
      }
      if (refusal !== undefined) out.refusal = refusal;
      if (message.name !== undefined) out.name = message.name;
      return out;
    }
    case 'tool':
      return { role: 'tool', toolCallId: message.tool_call_id, content: message.content };
  }
}

function toResponseFormat(format: NonNullable<ChatRequestBody['response_format']>): ResponseFormat {
  if (format.type !== 'json_schema') return { type: format.type };
  const jsonSchema: Extract<ResponseFormat, { type: 'json_schema' }>['jsonSchema'] = { name: format.json_schema.name };
  if (format.json_schema.schema !== undefined) jsonSchema.schema = format.json_schema.schema;
  if (format.json_schema.strict != null) jsonSchema.strict = format.json_schema.strict;
  if (format.json_schema.description !== undefined) jsonSchema.description = format.json_schema.description;
  return { type: 'json_schema', jsonSchema };
}

/** The body's `routing` object in neutral form. */
export function toRoutingWishes(routing: RoutingBody): RoutingWishes {
  const wishes: RoutingWishes = {};
  if (routing.priorities !== undefined) wishes.priorities = { ...routing.priorities };
  if (routing.max_cost_usd !== undefined) wishes.maxCostUsd = routing.max_cost_usd;
  if (routing.max_latency_ms !== undefined) wishes.maxLatencyMs = routing.max_latency_ms;
  if (routing.allowed_models !== undefined) wishes.allowedModels = routing.allowed_models;
  if (routing.task !== undefined) wishes.task = routing.task;
  if (routing.timeout_ms !== undefined) wishes.timeoutMs = routing.timeout_ms;
  return wishes;
}

function validated(body: unknown): ChatRequestBody {
  const parsed = chatRequestSchema.safeParse(body);
  if (!parsed.success) throw zodIssueToError(parsed.error);
  return parsed.data;
}

/** Validates an OpenAI chat completions body (already JSON-parsed) into a neutral ChatRequest. */
export function parseChatRequest(body: unknown): ChatRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new GatewayError('invalid_request', 'The request body must be a JSON object.');
  }
  const b = asPlainChatBody(body as Record<string, unknown>) ?? validated(body);
  const request: ChatRequest = { model: b.model, messages: b.messages.map(toMessage) };
  if (b.stream != null) request.stream = b.stream;
  if (b.stream_options?.include_usage !== undefined) {
    if (b.stream !== true) throw new GatewayError('invalid_request', "'stream_options' is only allowed when 'stream' is true.", { param: 'stream_options' });
    request.includeUsage = b.stream_options.include_usage;
  }
  if (b.tools != null && b.tools.length > 0) {
    request.tools = b.tools.map((tool) => {
      const fn: NonNullable<ChatRequest['tools']>[number]['function'] = { name: tool.function.name };
      if (tool.function.description !== undefined) fn.description = tool.function.description;
      if (tool.function.parameters !== undefined) fn.parameters = tool.function.parameters;
      if (tool.function.strict != null) fn.strict = tool.function.strict;
      return { type: 'function', function: fn };
    });
  }
  if (b.tool_choice != null) {
    if (request.tools === undefined && b.tool_choice !== 'none') {
      throw new GatewayError('invalid_request', "'tool_choice' is only allowed when 'tools' are given.", { param: 'tool_choice' });
    }
    const choice: ToolChoice = typeof b.tool_choice === 'string' ? b.tool_choice : { type: 'function', function: { name: b.tool_choice.function.name } };
    if (typeof choice !== 'string' && !request.tools?.some((tool) => tool.function.name === choice.function.name)) {
      throw new GatewayError('invalid_request', `'tool_choice' names '${choice.function.name}', which is not among 'tools'.`, { param: 'tool_choice.function.name' });
    }
    request.toolChoice = choice;
  }
  if (b.parallel_tool_calls != null) request.parallelToolCalls = b.parallel_tool_calls;
  if (b.response_format != null) request.responseFormat = toResponseFormat(b.response_format);
  if (b.temperature != null) request.temperature = b.temperature;
  if (b.top_p != null) request.topP = b.top_p;
  const maxOutput = b.max_completion_tokens ?? b.max_tokens;
  if (maxOutput != null) request.maxOutputTokens = maxOutput;
  if (b.stop != null) request.stop = typeof b.stop === 'string' ? [b.stop] : b.stop;
  if (b.n != null) request.n = b.n;
  if (b.seed != null) request.seed = b.seed;
  if (b.user != null) request.user = b.user;
  if (b.presence_penalty != null) request.presencePenalty = b.presence_penalty;
  if (b.frequency_penalty != null) request.frequencyPenalty = b.frequency_penalty;
  if (b.reasoning_effort != null) request.reasoningEffort = b.reasoning_effort;
  if (b.routing != null) request.routing = toRoutingWishes(b.routing);
  let extra: Record<string, unknown> | undefined;
  for (const key of Object.keys(b)) {
    if (KNOWN_CHAT_FIELDS.has(key)) continue;
    extra ??= {};
    extra[key] = (b as Record<string, unknown>)[key];
  }
  if (extra !== undefined) request.extra = extra;
  return request;
}
