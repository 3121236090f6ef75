import type { ChatRequest, ToolDefinition } from '../../spec/chat-request.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { convertToAnthropicMessages } from './convert-to-anthropic-messages.js';
import type { AnthropicRequestBody, AnthropicTool, AnthropicToolChoice } from './anthropic-wire.js';

/** Name of the tool that carries a structured (JSON) answer; see `buildAnthropicRequest`. */
export const JSON_RESPONSE_TOOL = 'json';

export interface AnthropicRequestPlan {
  body: AnthropicRequestBody;
  /**
   * True when the answer comes back as the input of the JSON response tool: the mappers then
   * turn that tool call into text content and its `tool_use` stop into a normal stop.
   */
  jsonResponseTool: boolean;
}

export interface BuildAnthropicRequestOptions {
  /** The model name sent upstream. */
  model: string;
  /** `max_tokens` is required by Anthropic; used when the request sets none. */
  defaultMaxTokens: number;
  stream: boolean;
}

/**
 * Maps a neutral request to a Messages API body.
 *
 * Anthropic has no response-format parameter. For `json_object` / `json_schema` we declare one
 * extra tool whose input schema is the requested schema (any object for `json_object`) and
 * force the model to call it; a forced tool call makes the model emit only that call, and its
 * input is schema-shaped JSON. The response mappers return that input as the text content. When
 * the caller also passes its own tools the model must call *some* tool (`any`): either one of
 * the caller's, which comes back as a tool call, or the JSON tool, which comes back as text.
 *
 * Fields Anthropic has no counterpart for (seed, presence / frequency penalties, logit bias)
 * are dropped; `n > 1` is refused because silently answering once would break the caller.
 */
export function buildAnthropicRequest(request: ChatRequest, options: BuildAnthropicRequestOptions): AnthropicRequestPlan {
  if (request.n !== undefined && request.n > 1) {
    throw new GatewayError('upstream_invalid_request', `Anthropic models return one choice per request; n=${request.n} is not supported.`, { param: 'n' });
  }
  const { system, messages } = convertToAnthropicMessages(request.messages);
  const body: AnthropicRequestBody = {
    model: options.model,
    messages,
    max_tokens: request.maxOutputTokens ?? options.defaultMaxTokens,
  };
  if (system.length > 0) body.system = system;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.stop !== undefined && request.stop.length > 0) body.stop_sequences = request.stop;
  if (request.user !== undefined) body.metadata = { user_id: request.user };
  if (options.stream) body.stream = true;

  const format = request.responseFormat;
  const jsonResponseTool = format !== undefined && format.type !== 'text';
  const callerTools = request.toolChoice === 'none' && jsonResponseTool ? [] : (request.tools ?? []);
  const tools = callerTools.map(toAnthropicTool);
  let toolChoice = callerTools.length > 0 ? toAnthropicToolChoice(request) : undefined;

  if (jsonResponseTool) {
    if (tools.some((tool) => tool.name === JSON_RESPONSE_TOOL)) {
      throw new GatewayError('invalid_request', `A tool named "${JSON_RESPONSE_TOOL}" cannot be combined with a JSON response_format on Anthropic models.`, { param: 'tools' });
    }
    const schema = format.type === 'json_schema' ? format.jsonSchema.schema : undefined;
    const description = format.type === 'json_schema' ? format.jsonSchema.description : undefined;
    tools.push({
      name: JSON_RESPONSE_TOOL,
      description: description ?? 'Respond with a JSON object.',
      input_schema: schema ?? { type: 'object', additionalProperties: true },
    });
    const forcedCallerTool = toolChoice?.type === 'tool';
    if (!forcedCallerTool) {
      toolChoice = callerTools.length > 0 ? { type: 'any' } : { type: 'tool', name: JSON_RESPONSE_TOOL };
      if (request.parallelToolCalls === false) toolChoice.disable_parallel_tool_use = true;
    }
  }

  if (tools.length > 0) body.tools = tools;
  if (toolChoice !== undefined) body.tool_choice = toolChoice;
  return { body, jsonResponseTool };
}

function toAnthropicTool(tool: ToolDefinition): AnthropicTool {
  const out: AnthropicTool = {
    name: tool.function.name,
    // Anthropic requires an object schema even for a tool without arguments.
    input_schema: tool.function.parameters ?? { type: 'object', properties: {} },
  };
  if (tool.function.description !== undefined) out.description = tool.function.description;
  return out;
}

function toAnthropicToolChoice(request: ChatRequest): AnthropicToolChoice | undefined {
  const choice = request.toolChoice;
  const disableParallel = request.parallelToolCalls === false ? { disable_parallel_tool_use: true } : {};
  if (choice === undefined) return request.parallelToolCalls === false ? { type: 'auto', ...disableParallel } : undefined;
  if (choice === 'none') return { type: 'none' };
  if (choice === 'auto') return { type: 'auto', ...disableParallel };
  if (choice === 'required') return { type: 'any', ...disableParallel };
  return { type: 'tool', name: choice.function.name, ...disableParallel };
}
