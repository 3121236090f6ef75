import { z } from 'zod';
import { TASK_TYPES } from '../spec/task-type.js';

/**
 * OpenAI's chat completions body, validated strictly field by field. Message objects strip
 * fields we do not use (clients echo whole response messages back, with `annotations`,
 * `audio` and the like); the top level keeps unknown fields for OpenAI-compatible upstreams.
 */
const textPart = z.strictObject({ type: z.literal('text'), text: z.string() });
const imagePart = z.strictObject({
  type: z.literal('image_url'),
  image_url: z.strictObject({
    url: z.string().min(1, 'must be an https URL or a data: URL'),
    detail: z.enum(['auto', 'low', 'high']).optional(),
  }),
});
const refusalPart = z.strictObject({ type: z.literal('refusal'), refusal: z.string() });

const textContent = z.union([z.string(), z.array(textPart)], { error: 'must be a string or an array of text parts' });
const userContent = z.union([z.string(), z.array(z.discriminatedUnion('type', [textPart, imagePart], { error: 'each part must be {type:"text"} or {type:"image_url"}' }))], {
  error: 'must be a string or an array of text and image_url parts',
});

const toolCall = z.object({
  id: z.string().min(1),
  type: z.literal('function'),
  function: z.object({ name: z.string().min(1), arguments: z.string() }),
});

const systemMessage = z.object({ role: z.enum(['system', 'developer']), content: textContent, name: z.string().optional() });
const userMessage = z.object({ role: z.literal('user'), content: userContent, name: z.string().optional() });
const assistantMessage = z.object({
  role: z.literal('assistant'),
  content: z.union([z.string(), z.array(z.union([textPart, refusalPart]))]).nullish(),
  tool_calls: z.array(toolCall).nullish(),
  refusal: z.string().nullish(),
  name: z.string().optional(),
});
const toolMessage = z.object({ role: z.literal('tool'), tool_call_id: z.string().min(1), content: textContent });

const message = z.discriminatedUnion('role', [systemMessage, userMessage, assistantMessage, toolMessage], {
  error: 'role must be one of system, developer, user, assistant, tool',
});

const toolDefinition = z.strictObject({
  type: z.literal('function'),
  function: z.strictObject({
    name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, underscores or dashes'),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
});

const toolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.strictObject({ type: z.literal('function'), function: z.strictObject({ name: z.string().min(1) }) }),
], { error: 'must be "none", "auto", "required" or {type:"function", function:{name}}' });

const responseFormat = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text') }),
  z.strictObject({ type: z.literal('json_object') }),
  z.strictObject({
    type: z.literal('json_schema'),
    json_schema: z.strictObject({
      name: z.string().min(1),
      description: z.string().optional(),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullish(),
    }),
  }),
], { error: 'type must be text, json_object or json_schema' });

const weight = z.number().finite().nonnegative();

export const routingSchema = z.strictObject({
  priorities: z.strictObject({ cost: weight.optional(), latency: weight.optional(), quality: weight.optional() }).optional(),
  max_cost_usd: z.number().finite().positive().optional(),
  max_latency_ms: z.number().finite().positive().optional(),
  allowed_models: z.array(z.string().min(1)).min(1).optional(),
  task: z.enum(TASK_TYPES).optional(),
  timeout_ms: z.number().int().positive().optional(),
});

export const chatRequestSchema = z.looseObject({
  model: z.string({ error: 'is required and must be a string' }).min(1, 'must not be empty'),
  messages: z.array(message, { error: 'is required and must be an array of messages' }).min(1, 'must contain at least one message'),
  stream: z.boolean().nullish(),
  stream_options: z.strictObject({ include_usage: z.boolean().optional(), include_obfuscation: z.boolean().optional() }).nullish(),
  tools: z.array(toolDefinition).nullish(),
  tool_choice: toolChoice.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  response_format: responseFormat.nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(16)], { error: 'must be a string or an array of strings' }).nullish(),
  n: z.number().int().min(1).max(128).nullish(),
  seed: z.number().int().nullish(),
  user: z.string().nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  reasoning_effort: z.enum(['minimal', 'low', 'medium', 'high']).nullish(),
  routing: routingSchema.nullish(),
});

export type ChatRequestBody = z.infer<typeof chatRequestSchema>;
export type RoutingBody = z.infer<typeof routingSchema>;

/** Top-level fields the schema models; the rest go to `extra`. */
export const KNOWN_CHAT_FIELDS: ReadonlySet<string> = new Set(Object.keys(chatRequestSchema.shape));
