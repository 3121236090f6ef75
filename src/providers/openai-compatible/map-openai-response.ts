import type { ToolCall } from '../../spec/chat-message.js';
import type { ChatChoice, ChatResponse } from '../../spec/chat-response.js';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
import { mapOpenAIUsage } from './map-openai-usage.js';
import type { OpenAIChatResponse } from './openai-wire.js';

/** A parsed Chat Completions answer in neutral form. */
export function mapOpenAIResponse(response: OpenAIChatResponse, fallbackModel: string): ChatResponse {
  const choices = response.choices.map((choice, position): ChatChoice => {
    const message: ChatChoice['message'] = { role: 'assistant', content: choice.message.content ?? null };
    const calls = choice.message.tool_calls;
    // Most answers carry no tool calls: no arrays are made for them.
    if (calls === undefined || calls === null || calls.length === 0) return finishChoice(choice, position, message);
    message.toolCalls = calls.map(
      (call, index): ToolCall => ({
        // A few local servers leave the id out; callers need one to answer the call.
        id: call.id ?? `call_${position}_${index}`,
        type: 'function',
        function: {
          name: call.function.name ?? '',
          arguments: typeof call.function.arguments === 'string' ? call.function.arguments : JSON.stringify(call.function.arguments ?? {}),
        },
      }),
    );
    return finishChoice(choice, position, message);
  });
  const out: ChatResponse = {
    id: response.id ?? '',
    created: response.created ?? Math.floor(Date.now() / 1000),
    model: response.model || fallbackModel,
    choices,
    usage: mapOpenAIUsage(response.usage),
  };
  if (typeof response.system_fingerprint === 'string') out.systemFingerprint = response.system_fingerprint;
  return out;
}

/** The rest of a choice once its tool calls, if any, are on `message`. */
function finishChoice(choice: OpenAIChatResponse['choices'][number], position: number, message: ChatChoice['message']): ChatChoice {
  if (typeof choice.message.refusal === 'string') message.refusal = choice.message.refusal;
  const reasoning = choice.message.reasoning_content ?? choice.message.reasoning;
  if (typeof reasoning === 'string' && reasoning.length > 0) message.reasoning = reasoning;
  return { index: choice.index ?? position, message, finishReason: mapOpenAIFinishReason(choice.finish_reason) };
}
