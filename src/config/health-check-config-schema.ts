import { z } from 'zod';

const positiveInt = z.number().int().positive();

/**
 * Active health checks: a one-token completion (an embedding for embedding models) per
 * deployment each interval. Off by default, since each probe is a billed upstream call.
 */
export const healthChecksSchema = z
  .object({
    /** Probe every deployment; a deployment's own `healthCheck.enabled` wins. */
    enabled: z.boolean().default(false),
    intervalMs: positiveInt.default(30_000),
    /** A probe running longer is aborted and counts as a timeout. */
    timeoutMs: positiveInt.default(5_000),
    /** Consecutive failed probes that open the deployment's breaker. */
    failuresToOpen: positiveInt.default(2),
  })
  .strict();

/** One deployment's overrides of `healthChecks`. */
export const deploymentHealthCheckSchema = z.object({ enabled: z.boolean(), intervalMs: positiveInt, timeoutMs: positiveInt }).partial().strict();

export type HealthChecksConfig = z.infer<typeof healthChecksSchema>;
export type DeploymentHealthCheckConfig = z.infer<typeof deploymentHealthCheckSchema>;
