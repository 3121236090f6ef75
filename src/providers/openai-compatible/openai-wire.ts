import { z } from 'zod';

/*
 * Lenient schemas for what OpenAI-compatible servers send back: only the fields we read, every
 * one optional or nullable where some server leaves it out, unknown fields ignored. Servers
 * differ (Azure adds content-filter fields, vLLM/DeepSeek add `reasoning_content`, Groq puts
 * stream usage under `x_groq`), so strictness here would only turn harmless extras into outages.
 */

const toolCallSchema = z.object({
  id: z.string().nullish(),
  type: z.string().nullish(),
  function: z.object({
    name: z.string().nullish(),
    // A few servers send parsed arguments instead of a JSON string; we re-encode them.
    arguments: z.union([z.string(), z.record(z.string(), z.unknown())]).nullish(),
  }),
});

export const openAIUsageSchema = z.object({
  prompt_tokens: z.number().nullish(),
  completion_tokens: z.number().nullish(),
  prompt_tokens_details: z.object({ cached_tokens: z.number().nullish() }).nullish(),
  completion_tokens_details: z.object({ reasoning_tokens: z.number().nullish() }).nullish(),
});
export type OpenAIUsage = z.infer<typeof openAIUsageSchema>;

export const openAIErrorObjectSchema = z.object({
  message: z.string().nullish(),
  type: z.string().nullish(),
  // vLLM and some proxies send the HTTP status as a number here.
  code: z.union([z.string(), z.number()]).nullish(),
  param: z.string().nullish(),
  innererror: z.object({ code: z.string().nullish() }).nullish(),
});
export type OpenAIErrorObject = z.infer<typeof openAIErrorObjectSchema>;

export const openAIChatResponseSchema = z.object({
  id: z.string().nullish(),
  created: z.number().nullish(),
  model: z.string().nullish(),
  system_fingerprint: z.string().nullish(),
  choices: z.array(
    z.object({
      index: z.number().nullish(),
      message: z.object({
        content: z.string().nullish(),
        refusal: z.string().nullish(),
        reasoning_content: z.string().nullish(),
        reasoning: z.string().nullish(),
        tool_calls: z.array(toolCallSchema).nullish(),
      }),
      finish_reason: z.string().nullish(),
    }),
  ),
  usage: openAIUsageSchema.nullish(),
});
export type OpenAIChatResponse = z.infer<typeof openAIChatResponseSchema>;

export const openAIChatChunkSchema = z.object({
  id: z.string().nullish(),
  created: z.number().nullish(),
  model: z.string().nullish(),
  choices: z
    .array(
      z.object({
        index: z.number().nullish(),
        delta: z
          .object({
            content: z.string().nullish(),
            refusal: z.string().nullish(),
            reasoning_content: z.string().nullish(),
            reasoning: z.string().nullish(),
            tool_calls: z
              .array(
                z.object({
                  index: z.number().nullish(),
                  id: z.string().nullish(),
                  function: z
                    .object({
                      name: z.string().nullish(),
                      arguments: z.union([z.string(), z.record(z.string(), z.unknown())]).nullish(),
                    })
                    .nullish(),
                }),
              )
              .nullish(),
          })
          .nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .nullish(),
  usage: openAIUsageSchema.nullish(),
  x_groq: z.object({ usage: openAIUsageSchema.nullish() }).nullish(),
  error: openAIErrorObjectSchema.nullish(),
});
export type OpenAIChatChunk = z.infer<typeof openAIChatChunkSchema>;

export const openAIEmbeddingResponseSchema = z.object({
  model: z.string().nullish(),
  data: z.array(
    z.object({
      index: z.number().nullish(),
      // `encoding_format: base64` answers carry little-endian float32 bytes as base64.
      embedding: z.union([z.array(z.number()), z.string()]),
    }),
  ),
  usage: z.object({ prompt_tokens: z.number().nullish() }).nullish(),
});
export type OpenAIEmbeddingResponse = z.infer<typeof openAIEmbeddingResponseSchema>;
