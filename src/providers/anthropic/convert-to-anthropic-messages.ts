import type { ChatMessage, ContentPart, TextPart, ToolCall } from '../../spec/chat-message.js';
import { GatewayError } from '../../errors/gateway-error.js';
import type {
  AnthropicAssistantBlock,
  AnthropicImageBlock,
  AnthropicMessage,
  AnthropicTextBlock,
  AnthropicToolResultBlock,
  AnthropicUserBlock,
} from './anthropic-wire.js';

export interface AnthropicPrompt {
  /** Every system and developer message, in order; Anthropic takes instructions only at the top level. */
  system: AnthropicTextBlock[];
  /** Strictly alternating user / assistant turns. */
  messages: AnthropicMessage[];
}

const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

/**
 * Converts neutral messages to Anthropic's prompt. Anthropic wants turns that alternate user /
 * assistant, tool results inside a user turn, and no empty text blocks, so consecutive turns of
 * the same side are merged and tool messages join the user turn around them.
 */
export function convertToAnthropicMessages(messages: ChatMessage[]): AnthropicPrompt {
  const system: AnthropicTextBlock[] = [];
  const turns: AnthropicMessage[] = [];

  const pushUser = (blocks: AnthropicUserBlock[]): void => {
    if (blocks.length === 0) return;
    const last = turns.at(-1);
    if (last?.role === 'user') last.content.push(...blocks);
    else turns.push({ role: 'user', content: blocks });
  };
  const pushAssistant = (blocks: AnthropicAssistantBlock[]): void => {
    if (blocks.length === 0) return;
    const last = turns.at(-1);
    if (last?.role === 'assistant') last.content.push(...blocks);
    else turns.push({ role: 'assistant', content: blocks });
  };

  messages.forEach((message, index) => {
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push(...textBlocks(message.content));
        return;
      case 'user':
        pushUser(userBlocks(message.content, index));
        return;
      case 'assistant': {
        const blocks: AnthropicAssistantBlock[] = message.content === null ? [] : textBlocks(message.content);
        for (const call of message.toolCalls ?? []) blocks.push(toolUseBlock(call, index));
        pushAssistant(blocks);
        return;
      }
      case 'tool':
        pushUser([toolResultBlock(message.toolCallId, message.content)]);
        return;
      default: {
        const exhaustive: never = message;
        throw new GatewayError('invalid_request', `Unsupported message role in ${JSON.stringify(exhaustive)}.`);
      }
    }
  });

  // Anthropic rejects a user turn whose text precedes its tool results; results answer the
  // previous assistant turn, so they go first (stable order otherwise).
  for (const turn of turns) {
    if (turn.role !== 'user') continue;
    const results = turn.content.filter((block) => block.type === 'tool_result');
    if (results.length === 0 || results.length === turn.content.length) continue;
    turn.content = [...results, ...turn.content.filter((block) => block.type !== 'tool_result')];
  }

  return { system, messages: turns };
}

function textBlocks(content: string | TextPart[]): AnthropicTextBlock[] {
  const parts = typeof content === 'string' ? [content] : content.map((part) => part.text);
  return parts.filter((text) => text.length > 0).map((text) => ({ type: 'text', text }));
}

function userBlocks(content: string | ContentPart[], index: number): AnthropicUserBlock[] {
  if (typeof content === 'string') return textBlocks(content);
  const blocks: AnthropicUserBlock[] = [];
  content.forEach((part, partIndex) => {
    if (part.type === 'text') {
      if (part.text.length > 0) blocks.push({ type: 'text', text: part.text });
    } else {
      blocks.push(imageBlock(part.url, `messages[${index}].content[${partIndex}]`));
    }
  });
  return blocks;
}

function imageBlock(url: string, param: string): AnthropicImageBlock {
  if (url.startsWith('data:')) {
    const match = DATA_URL.exec(url);
    if (match === null || match[1] === undefined || match[2] === undefined) {
      throw new GatewayError('invalid_request', 'Image data URLs must be base64-encoded: data:<media type>;base64,<data>.', { param });
    }
    return { type: 'image', source: { type: 'base64', media_type: match[1], data: match[2] } };
  }
  if (url.startsWith('https://') || url.startsWith('http://')) return { type: 'image', source: { type: 'url', url } };
  throw new GatewayError('invalid_request', 'Image URLs must be https URLs or base64 data URLs.', { param });
}

function toolUseBlock(call: ToolCall, index: number): AnthropicAssistantBlock {
  let input: unknown = {};
  // Clients send "" for a call without arguments; Anthropic needs an object either way.
  if (call.function.arguments.trim().length > 0) {
    try {
      input = JSON.parse(call.function.arguments);
    } catch {
      input = undefined;
    }
  }
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new GatewayError('invalid_request', `The arguments of tool call ${call.id} must be a JSON object.`, {
      param: `messages[${index}].tool_calls`,
    });
  }
  return { type: 'tool_use', id: call.id, name: call.function.name, input: input as Record<string, unknown> };
}

function toolResultBlock(toolUseId: string, content: string | TextPart[]): AnthropicToolResultBlock {
  return { type: 'tool_result', tool_use_id: toolUseId, content: typeof content === 'string' ? content : textBlocks(content) };
}
