import { z } from 'zod';

/*
 * Anthropic Messages API wire shapes. Requests are typed interfaces (we build them); responses
 * are lenient zod schemas holding only the fields we read, so new fields and new block or
 * event types never break parsing.
 */

// ---- request ----

export interface AnthropicTextBlock {
  type: 'text';
  text: string;
}

export interface AnthropicImageBlock {
  type: 'image';
  source: { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string };
}

export interface AnthropicToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: Record<string, unknown>;
}

export interface AnthropicToolResultBlock {
  type: 'tool_result';
  tool_use_id: string;
  content: string | AnthropicTextBlock[];
}

export type AnthropicUserBlock = AnthropicTextBlock | AnthropicImageBlock | AnthropicToolResultBlock;
export type AnthropicAssistantBlock = AnthropicTextBlock | AnthropicToolUseBlock;

export type AnthropicMessage =
  | { role: 'user'; content: AnthropicUserBlock[] }
  | { role: 'assistant'; content: AnthropicAssistantBlock[] };

export interface AnthropicTool {
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
}

export type AnthropicToolChoice =
  | { type: 'auto'; disable_parallel_tool_use?: boolean }
  | { type: 'any'; disable_parallel_tool_use?: boolean }
  | { type: 'tool'; name: string; disable_parallel_tool_use?: boolean }
  | { type: 'none' };

export interface AnthropicRequestBody {
  model: string;
  messages: AnthropicMessage[];
  max_tokens: number;
  system?: AnthropicTextBlock[];
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
  temperature?: number;
  top_p?: number;
  stop_sequences?: string[];
  metadata?: { user_id: string };
  stream?: boolean;
}

// ---- response ----

export const anthropicUsageSchema = z.object({
  input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
  cache_creation_input_tokens: z.number().nullish(),
});
export type AnthropicUsage = z.infer<typeof anthropicUsageSchema>;

/** Any block; `type` decides which of the optional fields are meaningful. Unknown types are kept and skipped by the mappers. */
export const anthropicContentBlockSchema = z.object({
  type: z.string(),
  text: z.string().optional(),
  thinking: z.string().optional(),
  id: z.string().optional(),
  name: z.string().optional(),
  input: z.unknown().optional(),
});
export type AnthropicContentBlock = z.infer<typeof anthropicContentBlockSchema>;

const stopDetailsSchema = z.object({ explanation: z.string().nullish() }).nullish();

export const anthropicMessageSchema = z.object({
  id: z.string(),
  model: z.string(),
  content: z.array(anthropicContentBlockSchema),
  stop_reason: z.string().nullish(),
  stop_details: stopDetailsSchema,
  usage: anthropicUsageSchema,
});
export type AnthropicMessageResponse = z.infer<typeof anthropicMessageSchema>;

export const anthropicErrorDetailSchema = z.object({ type: z.string(), message: z.string().optional() });
export type AnthropicErrorDetail = z.infer<typeof anthropicErrorDetailSchema>;

/** `{"type":"error","error":{"type":…,"message":…}}`, both as an HTTP body and as a stream event. */
export const anthropicErrorBodySchema = z.object({ error: anthropicErrorDetailSchema });

const deltaSchema = z.object({
  type: z.string(),
  text: z.string().optional(),
  partial_json: z.string().optional(),
  thinking: z.string().optional(),
});

export const anthropicStreamEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('message_start'),
    message: z.object({ id: z.string(), model: z.string(), usage: anthropicUsageSchema.nullish() }),
  }),
  z.object({ type: z.literal('content_block_start'), index: z.number(), content_block: anthropicContentBlockSchema }),
  z.object({ type: z.literal('content_block_delta'), index: z.number(), delta: deltaSchema }),
  z.object({ type: z.literal('content_block_stop'), index: z.number() }),
  z.object({
    type: z.literal('message_delta'),
    delta: z.object({ stop_reason: z.string().nullish(), stop_details: stopDetailsSchema }),
    usage: anthropicUsageSchema.nullish(),
  }),
  z.object({ type: z.literal('message_stop') }),
  z.object({ type: z.literal('ping') }),
  z.object({ type: z.literal('error'), error: anthropicErrorDetailSchema }),
]);
export type AnthropicStreamEvent = z.infer<typeof anthropicStreamEventSchema>;
