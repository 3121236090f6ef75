import { z } from 'zod';

/*
 * Lenient schemas for OpenAI's Files and Batch API answers: only the fields the batch adapter
 * reads. A batch is `validating`, `in_progress`, `finalizing` or `cancelling` while it runs and
 * `completed`, `failed`, `expired` or `cancelled` once it has ended.
 */

export const openAIFileSchema = z.object({ id: z.string() });

export const openAIBatchSchema = z.object({
  id: z.string(),
  status: z.string(),
  output_file_id: z.string().nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  error_file_id: z.string().nullish(),
  errors: z
    .object({ data: z.array(z.object({ code: z.string().nullish(), message: z.string().nullish() })).nullish() })
    .nullish(),
});
export type OpenAIBatch = z.infer<typeof openAIBatchSchema>;

/** A page of `GET /batches`, newest first. */
export const openAIBatchListSchema = z.object({
  data: z.array(openAIBatchSchema),
  has_more: z.boolean().nullish(),
  last_id: z.string().nullish(),
});

/** One line of a batch's output or error file. */
export const openAIBatchOutputLineSchema = z.object({
  custom_id: z.string(),
  response: z.object({ status_code: z.number(), body: z.unknown() }).nullish(),
  error: z.object({ code: z.string().nullish(), message: z.string().nullish() }).nullish(),
});
export type OpenAIBatchOutputLine = z.infer<typeof openAIBatchOutputLineSchema>;

/** The metadata key that carries the label a batch was submitted with. */
export const OPENAI_BATCH_LABEL_KEY = 'switchyard_group';

export const OPENAI_BATCH_RUNNING = new Set(['validating', 'in_progress', 'finalizing', 'cancelling']);
