import type { ChatMessage } from './chat-message.js';
import type { RoutingWishes } from './routing-wishes.js';

/** A validated chat request in neutral form. `model` is what the client asked for (a deployment, alias or policy). */
export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  stream?: boolean;
  /** From `stream_options.include_usage`. */
  includeUsage?: boolean;
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  responseFormat?: ResponseFormat;
  temperature?: number;
  topP?: number;
  /** `max_completion_tokens`, or the legacy `max_tokens`. */
  maxOutputTokens?: number;
  stop?: string[];
  n?: number;
  seed?: number;
  user?: string;
  presencePenalty?: number;
  frequencyPenalty?: number;
  /** Reasoning effort for reasoning models, passed through where the provider supports it. */
  reasoningEffort?: 'minimal' | 'low' | 'medium' | 'high';
  /** The caller's routing wishes from the body's `routing` object and `x-switchyard-*` headers. */
  routing?: RoutingWishes;
  /** Provider-specific fields the client sent that we do not model; passed through by OpenAI-compatible adapters only. */
  extra?: Record<string, unknown>;
}

export interface ToolDefinition {
  type: 'function';
  function: {
    name: string;
    description?: string;
    /** JSON Schema of the arguments. */
    parameters?: Record<string, unknown>;
    strict?: boolean;
  };
}

export type ToolChoice =
  | 'auto'
  | 'none'
  | 'required'
  | { type: 'function'; function: { name: string } };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; jsonSchema: { name: string; schema?: Record<string, unknown>; strict?: boolean; description?: string } };
