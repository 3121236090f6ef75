import type { ChatRequest } from '../../spec/chat-request.js';

/** Per-message framing and reply priming, as OpenAI counts them. */
const TOKENS_PER_MESSAGE = 3;
const REPLY_PRIMING = 3;
/** A fixed estimate per image; the simulator never looks at pixels. */
const TOKENS_PER_IMAGE = 765;

export interface SimulatedPromptTokens {
  inputTokens: number;
  /** Tokens of the prompt up to and including each message (tool definitions come first). */
  throughMessage: number[];
}

/** Prompt tokens the simulated upstream reports: tool definitions, message text and framing. */
export function countSimulatedPromptTokens(request: ChatRequest, count: (text: string) => number): SimulatedPromptTokens {
  let total = REPLY_PRIMING;
  if (request.tools && request.tools.length > 0) total += count(JSON.stringify(request.tools));
  if (request.responseFormat?.type === 'json_schema') total += count(JSON.stringify(request.responseFormat.jsonSchema));
  const throughMessage: number[] = [];
  for (const message of request.messages) {
    total += TOKENS_PER_MESSAGE + count(message.role);
    const content = message.content;
    if (typeof content === 'string') total += count(content);
    else if (content !== null) for (const part of content) total += part.type === 'text' ? count(part.text) : TOKENS_PER_IMAGE;
    if (message.role === 'assistant') for (const call of message.toolCalls ?? []) total += count(call.function.name) + count(call.function.arguments);
    throughMessage.push(total);
  }
  return { inputTokens: total, throughMessage };
}
