import { z } from 'zod';
import { anthropicErrorDetailSchema } from './anthropic-wire.js';

/*
 * Lenient schemas for Anthropic's Message Batches API: a batch is `in_progress` or `canceling`
 * while it runs and `ended` once every request succeeded, errored, was canceled or expired;
 * its results are a JSONL file at `results_url`, one line per request, in any order.
 */

export const anthropicMessageBatchSchema = z.object({
  id: z.string(),
  processing_status: z.string(),
  results_url: z.string().nullish(),
});

/** One line of a batch's results file; `result.error` is the error body of the failed call. */
export const anthropicBatchResultLineSchema = z.object({
  custom_id: z.string(),
  result: z.object({
    type: z.string(),
    message: z.unknown().optional(),
    error: z.object({ error: anthropicErrorDetailSchema.nullish() }).nullish(),
  }),
});
