import { z } from 'zod';

/** Offline batch jobs (`/v1/batches`). */
export const batchesSchema = z
  .object({
    /**
     * `auto`: lines whose deployment's provider has a batch API (OpenAI, Anthropic) go through it
     * at the provider's batch discount; `off`: every line runs directly. A batch's
     * `metadata.switchyard_native: "off"` turns it off for that batch.
     */
    native: z.enum(['auto', 'off']).default('auto'),
    /** Seconds between two polls of a provider batch. */
    pollSeconds: z.number().positive().default(30),
    /** Lines of one batch run directly at once. */
    concurrency: z.number().int().positive().default(4),
  })
  .strict();
