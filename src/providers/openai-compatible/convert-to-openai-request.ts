import type { ChatMessage, ContentPart, TextPart } from '../../spec/chat-message.js';
import type { ChatRequest, ResponseFormat } from '../../spec/chat-request.js';
import type { OpenAICompatibleQuirks } from './openai-compatible-config.js';

export interface ConvertOptions {
  /** The model name the upstream knows. */
  model: string;
  stream: boolean;
  quirks: OpenAICompatibleQuirks;
}

/** Builds the Chat Completions body for one attempt from the neutral request. */
export function convertToOpenAIRequest(request: ChatRequest, options: ConvertOptions): Record<string, unknown> {
  const { quirks } = options;
  // Extra fields go first so that nothing the client smuggles in can override what we mapped.
  const body: Record<string, unknown> = { ...request.extra };
  body.model = options.model;
  body.messages = request.messages.map((message) => convertMessage(message, quirks));

  if (request.tools !== undefined && request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      type: 'function',
      function: definedOnly({
        name: tool.function.name,
        description: tool.function.description,
        parameters: tool.function.parameters,
        strict: tool.function.strict,
      }),
    }));
    // OpenAI answers 400 to either of these without tools; without tools they mean nothing anyway.
    setIfDefined(body, 'tool_choice', request.toolChoice);
    setIfDefined(body, 'parallel_tool_calls', request.parallelToolCalls);
  }
  setIfDefined(body, 'response_format', request.responseFormat && convertResponseFormat(request.responseFormat));
  setIfDefined(body, 'temperature', request.temperature);
  setIfDefined(body, 'top_p', request.topP);
  setIfDefined(body, quirks.maxTokensField, request.maxOutputTokens);
  if (request.stop !== undefined && request.stop.length > 0) body.stop = request.stop;
  setIfDefined(body, 'n', request.n);
  setIfDefined(body, 'seed', request.seed);
  setIfDefined(body, 'user', request.user);
  setIfDefined(body, 'presence_penalty', request.presencePenalty);
  setIfDefined(body, 'frequency_penalty', request.frequencyPenalty);
  setIfDefined(body, 'reasoning_effort', request.reasoningEffort);

  if (options.stream) {
    body.stream = true;
    // Usage is how cost is settled, so we ask for it whatever the client asked.
    if (quirks.streamUsage) body.stream_options = { include_usage: true };
    else delete body.stream_options;
  } else {
    delete body.stream;
    delete body.stream_options;
  }

  for (const [from, to] of Object.entries(quirks.renameFields)) {
    if (from in body) {
      body[to] = body[from];
      delete body[from];
    }
  }
  for (const field of quirks.dropFields) delete body[field];
  return body;
}

function convertMessage(message: ChatMessage, quirks: OpenAICompatibleQuirks): Record<string, unknown> {
  const name = quirks.messageNames && 'name' in message ? message.name : undefined;
  switch (message.role) {
    // Built field by field rather than through `definedOnly`: this runs for every message of every
    // attempt, and only `name` may be missing.
    case 'system':
    case 'developer':
      return withName({ role: message.role === 'developer' && !quirks.developerRole ? 'system' : message.role, content: convertTextContent(message.content, quirks) }, name);
    case 'user':
      return withName({ role: 'user', content: convertUserContent(message.content, quirks) }, name);
    case 'assistant': {
      const out: Record<string, unknown> = {
        role: 'assistant',
        content: message.content === null ? null : convertTextContent(message.content, quirks),
      };
      if (message.toolCalls !== undefined && message.toolCalls.length > 0) {
        out.tool_calls = message.toolCalls.map((call) => ({
          id: call.id,
          type: 'function',
          function: { name: call.function.name, arguments: call.function.arguments },
        }));
      }
      if (typeof message.refusal === 'string') out.refusal = message.refusal;
      if (name !== undefined) out.name = name;
      return out;
    }
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: convertTextContent(message.content, quirks) };
  }
}

function convertTextContent(content: string | TextPart[], quirks: OpenAICompatibleQuirks): string | Array<Record<string, unknown>> {
  if (typeof content === 'string') return content;
  if (quirks.flattenTextContent) return content.map((part) => part.text).join('\n');
  return content.map((part) => ({ type: 'text', text: part.text }));
}

function convertUserContent(content: string | ContentPart[], quirks: OpenAICompatibleQuirks): string | Array<Record<string, unknown>> {
  if (typeof content === 'string') return content;
  if (quirks.flattenTextContent && content.every((part) => part.type === 'text')) {
    return content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
  }
  return content.map((part) => {
    switch (part.type) {
      case 'text':
        return { type: 'text', text: part.text };
      case 'image':
        return { type: 'image_url', image_url: definedOnly({ url: part.url, detail: part.detail }) };
    }
  });
}

function convertResponseFormat(format: ResponseFormat): Record<string, unknown> {
  switch (format.type) {
    case 'text':
    case 'json_object':
      return { type: format.type };
    case 'json_schema':
      return {
        type: 'json_schema',
        json_schema: definedOnly({
          name: format.jsonSchema.name,
          description: format.jsonSchema.description,
          schema: format.jsonSchema.schema,
          strict: format.jsonSchema.strict,
        }),
      };
  }
}

function withName(message: Record<string, unknown>, name: string | undefined): Record<string, unknown> {
  if (name !== undefined) message.name = name;
  return message;
}

function setIfDefined(body: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined) body[key] = value;
}

function definedOnly(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) out[key] = value;
  return out;
}
