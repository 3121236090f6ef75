import { z } from 'zod';
import { geminiResponseSchema } from './gemini-wire.js';

/*
 * Lenient schemas for Gemini's batch mode. `batchGenerateContent` and `GET batches/{id}` answer a
 * long-running Operation: `name` (`batches/…`), `metadata` (the batch: `displayName`, `state`),
 * `done`, and once it succeeded `response.inlinedResponses.inlinedResponses[]`, each holding a
 * GenerateContentResponse or a google.rpc.Status, with the request's `metadata`. Some answers
 * carry the batch itself (state and output at the top level); both shapes are read.
 */

const statusSchema = z.object({ code: z.number().optional(), message: z.string().optional(), status: z.string().optional() });

export const geminiInlinedResponseSchema = z.object({
  response: geminiResponseSchema.optional(),
  error: statusSchema.optional(),
  metadata: z.object({ key: z.string().optional() }).passthrough().optional(),
});
export type GeminiInlinedResponse = z.infer<typeof geminiInlinedResponseSchema>;

const outputSchema = z.object({
  inlinedResponses: z.object({ inlinedResponses: z.array(geminiInlinedResponseSchema).optional() }).optional(),
});

const batchFieldsSchema = z.object({
  displayName: z.string().optional(),
  state: z.string().optional(),
  output: outputSchema.optional(),
});

export const geminiBatchOperationSchema = z.object({
  name: z.string(),
  done: z.boolean().optional(),
  metadata: batchFieldsSchema.optional(),
  response: outputSchema.optional(),
  error: statusSchema.optional(),
  // The batch resource itself, when an answer is not wrapped in an Operation.
  displayName: z.string().optional(),
  state: z.string().optional(),
  output: outputSchema.optional(),
});
export type GeminiBatchOperation = z.infer<typeof geminiBatchOperationSchema>;

export const geminiBatchListSchema = z.object({
  operations: z.array(geminiBatchOperationSchema).optional(),
  batches: z.array(geminiBatchOperationSchema).optional(),
  nextPageToken: z.string().optional(),
});

/** The states of a batch that has ended, under both of the names Google has used for them. */
export const GEMINI_BATCH_ENDED = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED', 'EXPIRED'].flatMap((state) => [`JOB_STATE_${state}`, `BATCH_STATE_${state}`]));

/** google.rpc.Code of a per-request error → the HTTP status and status name Google's REST errors carry. */
export const GRPC_CODES: Record<number, [number, string]> = {
  1: [499, 'CANCELLED'],
  3: [400, 'INVALID_ARGUMENT'],
  4: [504, 'DEADLINE_EXCEEDED'],
  5: [404, 'NOT_FOUND'],
  7: [403, 'PERMISSION_DENIED'],
  8: [429, 'RESOURCE_EXHAUSTED'],
  9: [400, 'FAILED_PRECONDITION'],
  13: [500, 'INTERNAL'],
  14: [503, 'UNAVAILABLE'],
  16: [401, 'UNAUTHENTICATED'],
};
