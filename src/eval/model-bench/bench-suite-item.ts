import { z } from 'zod';
import { TASK_TYPES } from '../../spec/task-type.js';

/** How an answer is scored; each item names one. */
export const scorerSpecSchema = z.discriminatedUnion('type', [
  /** The answer, trimmed, equals the reference exactly. */
  z.object({ type: z.literal('exact') }).strict(),
  /** Lower-cased, punctuation, articles and extra spaces removed; `contains` accepts the reference anywhere in the answer. */
  z.object({ type: z.literal('normalized'), contains: z.boolean().optional(), accept: z.array(z.string()).optional() }).strict(),
  /** The final number of the answer within a tolerance of the reference. */
  z.object({ type: z.literal('numeric'), absTolerance: z.number().nonnegative().optional(), relTolerance: z.number().nonnegative().optional() }).strict(),
  /** The answer matches a regular expression. */
  z.object({ type: z.literal('regex'), pattern: z.string().min(1), flags: z.string().regex(/^[imsu]*$/).optional() }).strict(),
  /** The chosen option letter equals the reference letter. */
  z.object({ type: z.literal('choice'), options: z.string().regex(/^[A-Z]+$/).optional() }).strict(),
  /** The first JSON object of the answer has the reference's fields with equal (normalized) values; share of fields right. */
  z.object({ type: z.literal('json-fields') }).strict(),
  /** The answer's code block runs with the tests appended; passes when the process exits 0 within the timeout. */
  z.object({ type: z.literal('code'), language: z.enum(['python', 'javascript']), tests: z.string().min(1), timeoutMs: z.number().int().positive().optional() }).strict(),
  /** A judge model grades the answer against the reference on a 0–10 scale. */
  z.object({ type: z.literal('judge'), rubric: z.string().optional() }).strict(),
]);

export type ScorerSpec = z.infer<typeof scorerSpecSchema>;

export const benchSuiteItemSchema = z
  .object({
    id: z.string().min(1),
    task: z.enum(TASK_TYPES),
    system: z.string().optional(),
    prompt: z.string().min(1),
    /** The right answer (for `json-fields`, a JSON object as text; for `code`, a reference solution). */
    reference: z.string(),
    scorer: scorerSpecSchema,
    maxTokens: z.number().int().positive().optional(),
  })
  .strict();

export type BenchSuiteItem = z.infer<typeof benchSuiteItemSchema>;
