import type { ChatRequest, ToolChoice, ToolDefinition } from '../../spec/chat-request.js';
import { convertJsonSchemaToGemini } from './convert-json-schema-to-gemini.js';
import { convertToGeminiContents } from './convert-to-gemini-contents.js';
import { mapGeminiReasoningEffort, type GeminiThinkingControl } from './map-gemini-reasoning-effort.js';
import type { GeminiFunctionDeclaration, GeminiGenerateContentRequest, GeminiGenerationConfig } from './gemini-wire.js';

export interface BuildGeminiRequestOptions {
  /** See convert-to-gemini-contents.ts. */
  placeholderThoughtSignatures?: boolean;
  /** Passed through as Gemini's `safetySettings`. */
  safetySettings?: Array<{ category: string; threshold: string }>;
  /** Ask for thought summaries, which come back as reasoning. */
  includeThoughts?: boolean;
  /** How the model takes `reasoningEffort`; `none` leaves it unsent. */
  thinkingControl?: GeminiThinkingControl;
}

/**
 * Builds the body of `models/{model}:generateContent` (and `:streamGenerateContent`, which takes
 * the same body). `user` and `parallelToolCalls` have no Gemini equivalent and are not sent.
 */
export function buildGeminiRequest(request: ChatRequest, options: BuildGeminiRequestOptions = {}): GeminiGenerateContentRequest {
  const prompt = convertToGeminiContents(request.messages, { placeholderThoughtSignatures: options.placeholderThoughtSignatures ?? false });
  const body: GeminiGenerateContentRequest = { contents: prompt.contents };
  if (prompt.systemInstruction !== undefined) body.systemInstruction = prompt.systemInstruction;

  if (request.tools !== undefined && request.tools.length > 0) {
    body.tools = [{ functionDeclarations: request.tools.map(toFunctionDeclaration) }];
    // A calling mode without declarations means nothing to Gemini, so tool_choice alone is not sent.
    if (request.toolChoice !== undefined) body.toolConfig = { functionCallingConfig: toFunctionCallingConfig(request.toolChoice) };
  }
  if (options.safetySettings !== undefined) body.safetySettings = options.safetySettings;

  const config = generationConfig(request, options);
  if (Object.keys(config).length > 0) body.generationConfig = config;
  return body;
}

function toFunctionDeclaration(tool: ToolDefinition): GeminiFunctionDeclaration {
  const declaration: GeminiFunctionDeclaration = { name: tool.function.name };
  if (tool.function.description !== undefined) declaration.description = tool.function.description;
  const parameters = tool.function.parameters;
  // Gemini rejects an OBJECT schema without properties; a tool that takes no arguments simply omits it.
  if (parameters !== undefined && !isEmptyObjectSchema(parameters)) declaration.parameters = convertJsonSchemaToGemini(parameters);
  return declaration;
}

function isEmptyObjectSchema(schema: Record<string, unknown>): boolean {
  const properties = schema.properties;
  const noProperties = properties === undefined || (typeof properties === 'object' && properties !== null && Object.keys(properties).length === 0);
  return (schema.type === undefined || schema.type === 'object') && noProperties && schema.anyOf === undefined && schema.oneOf === undefined && schema.$ref === undefined;
}

function toFunctionCallingConfig(choice: ToolChoice): NonNullable<GeminiGenerateContentRequest['toolConfig']>['functionCallingConfig'] {
  switch (choice) {
    case 'auto':
      return { mode: 'AUTO' };
    case 'none':
      return { mode: 'NONE' };
    case 'required':
      return { mode: 'ANY' };
    default:
      return { mode: 'ANY', allowedFunctionNames: [choice.function.name] };
  }
}

function generationConfig(request: ChatRequest, options: BuildGeminiRequestOptions): GeminiGenerationConfig {
  const config: GeminiGenerationConfig = {};
  if (request.temperature !== undefined) config.temperature = request.temperature;
  if (request.topP !== undefined) config.topP = request.topP;
  if (request.maxOutputTokens !== undefined) config.maxOutputTokens = request.maxOutputTokens;
  if (request.stop !== undefined && request.stop.length > 0) config.stopSequences = request.stop;
  if (request.n !== undefined) config.candidateCount = request.n;
  if (request.seed !== undefined) config.seed = request.seed;
  if (request.presencePenalty !== undefined) config.presencePenalty = request.presencePenalty;
  if (request.frequencyPenalty !== undefined) config.frequencyPenalty = request.frequencyPenalty;
  const format = request.responseFormat;
  if (format?.type === 'json_object') config.responseMimeType = 'application/json';
  if (format?.type === 'json_schema') {
    config.responseMimeType = 'application/json';
    if (format.jsonSchema.schema !== undefined) config.responseSchema = convertJsonSchemaToGemini(format.jsonSchema.schema);
  }
  const thinking = request.reasoningEffort !== undefined ? mapGeminiReasoningEffort(request.reasoningEffort, options.thinkingControl ?? 'none') : undefined;
  if (thinking !== undefined || options.includeThoughts === true) {
    config.thinkingConfig = { ...thinking, ...(options.includeThoughts === true ? { includeThoughts: true } : {}) };
  }
  return config;
}
