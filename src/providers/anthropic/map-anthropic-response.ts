import type { ToolCall } from '../../spec/chat-message.js';
import type { ChatResponse } from '../../spec/chat-response.js';
import type { FinishReason } from '../../spec/finish-reason.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { anthropicMessageSchema } from './anthropic-wire.js';
import { JSON_RESPONSE_TOOL } from './build-anthropic-request.js';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';
import { mapAnthropicUsage } from './map-anthropic-usage.js';

export interface MapAnthropicResponseOptions {
  /** The request asked for JSON through the response tool (see buildAnthropicRequest). */
  jsonResponseTool: boolean;
  deploymentId: string;
  /** Unix seconds; Anthropic sends no creation time. */
  created: number;
}

/** Maps a parsed Messages API response body to the neutral ChatResponse. */
export function mapAnthropicResponse(json: unknown, options: MapAnthropicResponseOptions): ChatResponse {
  const parsed = anthropicMessageSchema.safeParse(json);
  if (!parsed.success) {
    throw new GatewayError('upstream_bad_response', `${options.deploymentId}: Anthropic response is not a message: ${parsed.error.issues[0]?.message ?? 'unexpected shape'}`, {
      deploymentId: options.deploymentId,
    });
  }
  const message = parsed.data;
  const texts: string[] = [];
  const reasoning: string[] = [];
  const toolCalls: ToolCall[] = [];
  let answeredByJsonTool = false;

  for (const block of message.content) {
    switch (block.type) {
      case 'text':
        // A forced tool call carries the whole answer; stray text would corrupt the JSON.
        if (!options.jsonResponseTool && block.text !== undefined) texts.push(block.text);
        break;
      case 'thinking':
        if (block.thinking !== undefined) reasoning.push(block.thinking);
        break;
      case 'tool_use': {
        const input = JSON.stringify(block.input ?? {});
        if (options.jsonResponseTool && block.name === JSON_RESPONSE_TOOL) {
          texts.push(input);
          answeredByJsonTool = true;
        } else {
          toolCalls.push({ id: block.id ?? `call_${toolCalls.length}`, type: 'function', function: { name: block.name ?? '', arguments: input } });
        }
        break;
      }
      default:
        // redacted_thinking, server tool blocks, fallback markers and future types carry nothing we return.
        break;
    }
  }

  let finishReason: FinishReason = mapAnthropicStopReason(message.stop_reason);
  if (finishReason === 'tool_calls' && answeredByJsonTool && toolCalls.length === 0) finishReason = 'stop';
  const refusal = message.stop_reason === 'refusal' ? (message.stop_details?.explanation ?? null) : undefined;

  const out: ChatResponse['choices'][number]['message'] = {
    role: 'assistant',
    content: texts.length > 0 ? texts.join('') : null,
  };
  if (toolCalls.length > 0) out.toolCalls = toolCalls;
  if (refusal !== undefined) out.refusal = refusal;
  if (reasoning.length > 0) out.reasoning = reasoning.join('');

  return {
    id: message.id,
    created: options.created,
    model: message.model,
    choices: [{ index: 0, message: out, finishReason }],
    usage: mapAnthropicUsage(message.usage),
  };
}
