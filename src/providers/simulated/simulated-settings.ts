import { z } from 'zod';
import { GatewayError } from '../../errors/gateway-error.js';

/** Failure classes the simulated provider can produce at random, each as its own typed error. */
export const SIMULATED_FAILURES = ['rate_limited', 'overloaded', 'timeout', 'server_error', 'network', 'content_filtered'] as const;
export type SimulatedFailureKind = (typeof SIMULATED_FAILURES)[number];

const rate = z.number().min(0).max(1);

const settingsSchema = z.strictObject({
  /** Mean time to first token, ms. */
  ttftMs: z.number().nonnegative().optional(),
  /** Half-width of the uniform jitter around the mean TTFT, ms. */
  ttftJitterMs: z.number().nonnegative().optional(),
  outputTokensPerSecond: z.number().positive().optional(),
  /** Per-call probability of each failure class; they add up to the chance that a call fails. */
  failureRates: z.partialRecord(z.enum(SIMULATED_FAILURES), rate).optional(),
  /** `false` turns random failures off (demos, benchmarks, tests of the happy path). */
  failures: z.boolean().optional(),
  /** Seed of the per-deployment random sequence (failures, jitter); defaults to a hash of the deployment id. */
  seed: z.number().int().optional(),
  /** How long a simulated stall lasts when no deadline cuts it short, ms. */
  stallMs: z.number().positive().optional(),
  /** Prompts over this many tokens fail with context_length_exceeded, as the real model would. */
  contextWindow: z.number().int().positive().optional(),
  /** Output cap when the request sets none. */
  maxOutputTokens: z.number().int().positive().optional(),
  /** Length range of a generated answer, in tokens, before any max-tokens cut. */
  answerTokens: z.strictObject({ min: z.number().int().positive(), max: z.number().int().positive() }).optional(),
  embeddingDimensions: z.number().int().positive().optional(),
  /** Report repeated prompt prefixes of 1024+ tokens as cached input, as OpenAI's prompt cache does (default on). */
  promptCaching: z.boolean().optional(),
  /** Token counter for usage (the catalog's tokenizer); defaults to about four characters a token. */
  countTokens: z.custom<(text: string) => number>((value) => typeof value === 'function', 'must be a function (text) => number').optional(),
});

export interface SimulatedSettings {
  ttftMs: number;
  ttftJitterMs: number;
  outputTokensPerSecond: number;
  failureRates: Partial<Record<SimulatedFailureKind, number>>;
  failures: boolean;
  seed: number | undefined;
  stallMs: number;
  contextWindow: number | undefined;
  maxOutputTokens: number;
  answerTokens: { min: number; max: number };
  embeddingDimensions: number;
  promptCaching: boolean;
  countTokens: (text: string) => number;
}

/** A rough count for when no tokenizer is passed in: English averages about four characters a token. */
export function approximateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Validates the `settings` block of a simulated deployment; unknown keys are refused so typos surface at load. */
export function parseSimulatedSettings(settings: Record<string, unknown> | undefined, deploymentId: string): SimulatedSettings {
  const parsed = settingsSchema.safeParse(settings ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join('.') ?? '';
    throw new GatewayError('invalid_request', `${deploymentId}: invalid simulated settings${path ? ` at ${path}` : ''}: ${issue?.message ?? 'unexpected value'}`, {
      param: `settings${path ? `.${path}` : ''}`,
    });
  }
  const s = parsed.data;
  const answerTokens = s.answerTokens ?? { min: 40, max: 160 };
  if (answerTokens.min > answerTokens.max) {
    throw new GatewayError('invalid_request', `${deploymentId}: simulated settings answerTokens.min is above answerTokens.max.`, { param: 'settings.answerTokens' });
  }
  return {
    ttftMs: s.ttftMs ?? 300,
    ttftJitterMs: s.ttftJitterMs ?? 0,
    outputTokensPerSecond: s.outputTokensPerSecond ?? 100,
    failureRates: s.failureRates ?? {},
    failures: s.failures ?? true,
    seed: s.seed,
    stallMs: s.stallMs ?? 30_000,
    contextWindow: s.contextWindow,
    maxOutputTokens: s.maxOutputTokens ?? 4096,
    answerTokens,
    embeddingDimensions: s.embeddingDimensions ?? 1536,
    promptCaching: s.promptCaching ?? true,
    countTokens: s.countTokens ?? approximateTokens,
  };
}
