import type { ChatResponse } from '../../spec/chat-response.js';
import type { StreamPart } from '../../spec/stream-part.js';

/** A whole answer as stream parts, for servers that answer a stream request with one JSON body. */
export function chatResponseToStreamParts(response: ChatResponse): StreamPart[] {
  const parts: StreamPart[] = [{ type: 'start', id: response.id, model: response.model, created: response.created }];
  for (const choice of response.choices) {
    const choiceIndex = choice.index;
    const { message } = choice;
    if (message.reasoning) parts.push({ type: 'reasoning-delta', choiceIndex, text: message.reasoning });
    if (message.content) parts.push({ type: 'text-delta', choiceIndex, text: message.content });
    if (message.refusal) parts.push({ type: 'refusal-delta', choiceIndex, text: message.refusal });
    for (const [toolIndex, call] of (message.toolCalls ?? []).entries()) {
      parts.push({ type: 'tool-call-delta', choiceIndex, toolIndex, id: call.id, name: call.function.name, argumentsDelta: call.function.arguments });
    }
  }
  for (const choice of response.choices) parts.push({ type: 'finish', choiceIndex: choice.index, finishReason: choice.finishReason });
  parts.push({ type: 'usage', usage: response.usage });
  return parts;
}
