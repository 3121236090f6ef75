import { z } from 'zod';
import { GatewayError } from '../../errors/gateway-error.js';

/** The API version this adapter's wire format follows. */
export const ANTHROPIC_VERSION = '2023-06-01';
export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com/v1';
/** `max_tokens` is mandatory on Anthropic; this is sent when neither the request nor config sets one. */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

const settingsSchema = z.strictObject({
  /** Sent as `max_tokens` when a request sets no output limit. */
  defaultMaxTokens: z.number().int().positive().optional(),
  /** Overrides the `anthropic-version` header (for proxies pinned to another version). */
  anthropicVersion: z.string().min(1).optional(),
});

export interface AnthropicSettings {
  defaultMaxTokens: number;
  anthropicVersion: string;
}

/** Validates the `settings` block of an anthropic deployment; unknown keys are refused so typos surface at load. */
export function parseAnthropicSettings(settings: Record<string, unknown> | undefined, deploymentId: string): AnthropicSettings {
  const parsed = settingsSchema.safeParse(settings ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join('.') ?? '';
    throw new GatewayError('invalid_request', `${deploymentId}: invalid anthropic settings${path ? ` at ${path}` : ''}: ${issue?.message ?? 'unexpected value'}`, {
      param: `settings${path ? `.${path}` : ''}`,
    });
  }
  return {
    defaultMaxTokens: parsed.data.defaultMaxTokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
    anthropicVersion: parsed.data.anthropicVersion ?? ANTHROPIC_VERSION,
  };
}
