import type { ChatMessage, ContentPart, ImagePart } from '../spec/chat-message.js';
import type { ChatRequest } from '../spec/chat-request.js';
import type { ModelProfile } from '../spec/model-profile.js';
import { countTextTokens, SAMPLING_THRESHOLD_CHARS } from './count-text-tokens.js';

/*
 * OpenAI's published counting rules for chat models: every message costs 3 tokens of framing
 * plus its role and content, a `name` one more, and every reply is primed with 3 tokens.
 */
const TOKENS_PER_MESSAGE = 3;
const TOKENS_PER_NAME = 1;
const REPLY_PRIMING = 3;

/*
 * Tool definitions are rendered into the prompt in a format OpenAI does not publish; its
 * cookbook's estimate is about 7 tokens per function plus 12 for the block around them. We count
 * the JSON schema text itself, which runs a little above the rendered form (errs high).
 */
const TOKENS_PER_TOOL = 7;
const TOOLS_BLOCK = 12;
const TOKENS_PER_TOOL_CALL = 3;

/**
 * Images are estimated without fetching them: `low` detail is OpenAI's flat 85 tokens; `high`
 * and `auto` assume a 1024x1024 image, which OpenAI scales to 768x768, four 512-px tiles of 170
 * tokens each plus the base 85. Larger images cost more upstream; usage corrects the bill.
 */
export const IMAGE_TOKENS = { low: 85, high: 765 } as const;

export function imageTokens(part: ImagePart): number {
  return part.detail === 'low' ? IMAGE_TOKENS.low : IMAGE_TOKENS.high;
}

/**
 * Input tokens of a chat request for a deployment: messages, tool definitions and a JSON schema
 * response format, for context-window checks and cost estimates.
 */
export function countChatTokens(request: Pick<ChatRequest, 'messages' | 'tools' | 'responseFormat'>, profile: Pick<ModelProfile, 'model'>): number {
  const model = profile.model;
  if (textLength(request.messages) > BULK_THRESHOLD_CHARS) return bulkCount(request, model);
  const text = (value: string): number => countTextTokens(value, model);
  let total = REPLY_PRIMING;
  for (const message of request.messages) total += messageTokens(message, text);
  if (request.tools !== undefined && request.tools.length > 0) {
    total += TOOLS_BLOCK;
    for (const tool of request.tools) {
      const fn = tool.function;
      total += TOKENS_PER_TOOL + text(fn.name) + text(fn.description ?? '') + (fn.parameters ? text(JSON.stringify(fn.parameters)) : 0);
    }
  }
  const format = request.responseFormat;
  if (format?.type === 'json_schema' && format.jsonSchema.schema) total += text(JSON.stringify(format.jsonSchema.schema));
  return total;
}

function messageTokens(message: ChatMessage, text: (value: string) => number): number {
  let total = TOKENS_PER_MESSAGE + text(message.role);
  if ('name' in message && message.name !== undefined) total += TOKENS_PER_NAME + text(message.name);
  total += contentTokens(message.content, text);
  if (message.role === 'assistant') {
    for (const call of message.toolCalls ?? []) total += TOKENS_PER_TOOL_CALL + text(call.function.name) + text(call.function.arguments);
  }
  return total;
}

function contentTokens(content: string | readonly ContentPart[] | null, text: (value: string) => number): number {
  if (content === null) return 0;
  if (typeof content === 'string') return text(content);
  let total = 0;
  for (const part of content) total += part.type === 'text' ? text(part.text) : imageTokens(part);
  return total;
}

/**
 * Many messages that are each below the sampling threshold but long together (a pasted chat
 * history, a document split into parts) would be tokenized whole one by one. Past this total
 * the message texts are counted as one sampled text, and only the framing is added per message.
 */
const BULK_THRESHOLD_CHARS = 2 * SAMPLING_THRESHOLD_CHARS;

function bulkCount(request: Pick<ChatRequest, 'messages' | 'tools' | 'responseFormat'>, model: string): number {
  const texts: string[] = [];
  let overhead = 0;
  for (const message of request.messages) {
    // Every role name is a single token in both encodings.
    overhead += TOKENS_PER_MESSAGE + 1;
    if ('name' in message && message.name !== undefined) texts.push(message.name);
    const content = message.content;
    if (typeof content === 'string') texts.push(content);
    else if (content !== null) {
      for (const part of content) {
        if (part.type === 'text') texts.push(part.text);
        else overhead += imageTokens(part);
      }
    }
    if (message.role === 'assistant') for (const call of message.toolCalls ?? []) {
      overhead += TOKENS_PER_TOOL_CALL;
      texts.push(call.function.name, call.function.arguments);
    }
  }
  const rest = countChatTokens({ messages: [], tools: request.tools, responseFormat: request.responseFormat }, { model });
  return overhead + countTextTokens(texts.join('\n'), model) + rest;
}

function textLength(messages: readonly ChatMessage[]): number {
  let total = 0;
  for (const message of messages) {
    const content = message.content;
    if (typeof content === 'string') total += content.length;
    else if (content !== null) for (const part of content) if (part.type === 'text') total += part.text.length;
  }
  return total;
}
