import { Buffer } from 'node:buffer';
import type { ChatMessage, ContentPart, TextPart } from '../../spec/chat-message.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { guessImageMimeType } from './guess-image-mime-type.js';
import type { GeminiContent, GeminiRequestPart } from './gemini-wire.js';

/**
 * Google's documented placeholder for a replayed function call whose thought signature was not
 * kept. Gemini 3 models reject history whose function calls lack a signature, and an
 * OpenAI-shaped conversation cannot carry Google's opaque signatures back to us.
 */
export const SKIP_THOUGHT_SIGNATURE = 'skip_thought_signature_validator';

export interface ConvertContentsOptions {
  /** Put the placeholder signature on the first function call of each replayed model turn. */
  placeholderThoughtSignatures?: boolean;
}

export interface GeminiPrompt {
  systemInstruction?: { parts: Array<{ text: string }> };
  contents: GeminiContent[];
}

/**
 * Maps neutral messages to Gemini's `systemInstruction` and `contents`. System and developer
 * messages, wherever they sit, are joined into the one system instruction Gemini accepts.
 * Consecutive turns of the same role are merged because Gemini expects user and model turns to
 * alternate, and answers to parallel tool calls must arrive together in one user turn.
 */
export function convertToGeminiContents(messages: ChatMessage[], options: ConvertContentsOptions = {}): GeminiPrompt {
  const system: Array<{ text: string }> = [];
  const contents: GeminiContent[] = [];
  const toolNames = new Map<string, string>();

  const push = (role: GeminiContent['role'], parts: GeminiRequestPart[]): void => {
    if (parts.length === 0) return;
    const last = contents.at(-1);
    if (last !== undefined && last.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };

  messages.forEach((message, index) => {
    switch (message.role) {
      case 'system':
      case 'developer': {
        const text = joinText(message.content);
        if (text.length > 0) system.push({ text });
        return;
      }
      case 'user':
        push('user', userParts(message.content, index));
        return;
      case 'assistant': {
        const parts: GeminiRequestPart[] = [];
        const text = message.content === null ? '' : joinText(message.content);
        if (text.length > 0) parts.push({ text });
        (message.toolCalls ?? []).forEach((call, callIndex) => {
          toolNames.set(call.id, call.function.name);
          const part: GeminiRequestPart = {
            functionCall: { name: call.function.name, args: parseArguments(call.function.arguments, index, callIndex) },
          };
          if (callIndex === 0 && options.placeholderThoughtSignatures === true) part.thoughtSignature = SKIP_THOUGHT_SIGNATURE;
          parts.push(part);
        });
        push('model', parts);
        return;
      }
      case 'tool': {
        const name = toolNames.get(message.toolCallId);
        if (name === undefined) {
          throw new GatewayError('invalid_request', `messages[${index}]: tool_call_id "${message.toolCallId}" answers no earlier assistant tool call.`, {
            param: `messages[${index}].tool_call_id`,
          });
        }
        // Gemini wants the result as an object; `output` is the key its documentation uses.
        push('user', [{ functionResponse: { name, response: { output: joinText(message.content) } } }]);
        return;
      }
      default: {
        const unknown: never = message;
        throw new GatewayError('invalid_request', `Unsupported message role in ${JSON.stringify(unknown)}.`);
      }
    }
  });

  const prompt: GeminiPrompt = { contents };
  if (system.length > 0) prompt.systemInstruction = { parts: system };
  return prompt;
}

function joinText(content: string | TextPart[]): string {
  return typeof content === 'string' ? content : content.map((part) => part.text).join('');
}

function userParts(content: string | ContentPart[], index: number): GeminiRequestPart[] {
  if (typeof content === 'string') return content.length > 0 ? [{ text: content }] : [];
  const parts: GeminiRequestPart[] = [];
  content.forEach((part, partIndex) => {
    if (part.type === 'text') {
      if (part.text.length > 0) parts.push({ text: part.text });
    } else if (part.url.startsWith('data:')) {
      parts.push({ inlineData: parseDataUrl(part.url, `messages[${index}].content[${partIndex}].image_url`) });
    } else {
      parts.push({ fileData: { fileUri: part.url, mimeType: guessImageMimeType(part.url) } });
    }
  });
  return parts;
}

function parseDataUrl(url: string, param: string): { mimeType: string; data: string } {
  const comma = url.indexOf(',');
  if (comma === -1) throw new GatewayError('invalid_request', `${param}: malformed data URL.`, { param });
  const meta = url.slice('data:'.length, comma).split(';');
  const mimeType = meta[0] !== undefined && meta[0].length > 0 ? meta[0] : 'application/octet-stream';
  const payload = url.slice(comma + 1);
  const isBase64 = meta.slice(1).some((m) => m.toLowerCase() === 'base64');
  if (isBase64) return { mimeType, data: payload };
  try {
    return { mimeType, data: Buffer.from(decodeURIComponent(payload), 'utf8').toString('base64') };
  } catch (error) {
    throw new GatewayError('invalid_request', `${param}: malformed data URL.`, { param, cause: error });
  }
}

function parseArguments(text: string, index: number, callIndex: number): Record<string, unknown> {
  const param = `messages[${index}].tool_calls[${callIndex}].function.arguments`;
  if (text.trim().length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new GatewayError('invalid_request', `${param} is not valid JSON.`, { param, cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new GatewayError('invalid_request', `${param} must be a JSON object.`, { param });
  }
  return parsed as Record<string, unknown>;
}
