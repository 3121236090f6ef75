import { GatewayError } from '../../errors/gateway-error.js';
import type { ErrorCode } from '../../errors/error-codes.js';
import { tryParseJson } from '../../http/safe-json.js';
import { anthropicErrorBodySchema, type AnthropicErrorDetail } from './anthropic-wire.js';

export interface AnthropicErrorInput {
  /** The HTTP status; absent for an `error` event inside a 200 stream. */
  status?: number;
  /** The parsed `error` object, where the body had one. */
  detail?: AnthropicErrorDetail;
  /** The raw body, for messages when it was not Anthropic's error JSON (e.g. a proxy's page). */
  rawBody?: string;
  retryAfterMs?: number;
  deploymentId: string;
  /** Scrubbed from every message, in case an upstream or proxy echoes it. */
  apiKey?: string;
}

// Anthropic reports an over-long prompt as a plain invalid_request_error; only the message tells it apart.
const CONTEXT_OVERFLOW = /prompt is too long|exceeds? (the )?context (limit|window)|context window|too many (input )?tokens/i;
// Output blocked by the safety classifiers comes back as an invalid_request_error too.
const CONTENT_FILTERED = /content filtering|content policy|usage policy/i;

/** Maps an Anthropic error (HTTP status and/or `error.type`) to a typed GatewayError. */
export function mapAnthropicError(input: AnthropicErrorInput): GatewayError {
  const type = input.detail?.type;
  const upstreamMessage = input.detail?.message ?? preview(input.rawBody);
  const code = codeFor(input.status, type, upstreamMessage);
  const where = input.status !== undefined ? `HTTP ${input.status}` : 'stream error event';
  let message = `${input.deploymentId}: Anthropic ${where}${type !== undefined ? ` ${type}` : ''}${upstreamMessage ? `: ${upstreamMessage}` : ''}`;
  if (input.apiKey !== undefined && input.apiKey.length > 0) message = message.split(input.apiKey).join('[redacted]');
  return new GatewayError(code, message, {
    deploymentId: input.deploymentId,
    upstreamStatus: input.status,
    retryAfterMs: code === 'rate_limited' || code === 'overloaded' ? input.retryAfterMs : undefined,
  });
}

/** Reads an error response body in Anthropic's shape, tolerating anything else. */
export function parseAnthropicErrorBody(text: string): AnthropicErrorDetail | undefined {
  const parsed = anthropicErrorBodySchema.safeParse(tryParseJson(text));
  return parsed.success ? parsed.data.error : undefined;
}

function codeFor(status: number | undefined, type: string | undefined, message: string): ErrorCode {
  // The error type is the more specific signal; the status decides when the type is unknown.
  switch (type) {
    case 'invalid_request_error':
      if (CONTEXT_OVERFLOW.test(message)) return 'context_length_exceeded';
      if (CONTENT_FILTERED.test(message)) return 'content_filtered';
      return status === 404 ? 'upstream_not_found' : 'upstream_invalid_request';
    // An account without credit (billing_error) cannot serve anything until someone acts: like a bad key.
    case 'authentication_error':
    case 'permission_error':
    case 'billing_error':
      return 'upstream_auth';
    case 'not_found_error':
      return 'upstream_not_found';
    case 'request_too_large':
      return 'upstream_invalid_request';
    case 'rate_limit_error':
      return 'rate_limited';
    case 'overloaded_error':
      return 'overloaded';
    case 'api_error':
    case 'timeout_error':
      return 'upstream_server_error';
    default:
      return codeForStatus(status, message);
  }
}

function codeForStatus(status: number | undefined, message: string): ErrorCode {
  if (status === undefined) return 'upstream_server_error';
  if (status === 401 || status === 402 || status === 403) return 'upstream_auth';
  if (status === 404) return 'upstream_not_found';
  if (status === 429) return 'rate_limited';
  if (status === 503 || status === 529) return 'overloaded';
  if (status >= 500) return 'upstream_server_error';
  if (CONTEXT_OVERFLOW.test(message)) return 'context_length_exceeded';
  return 'upstream_invalid_request';
}

function preview(text: string | undefined): string {
  if (text === undefined) return '';
  const trimmed = text.trim();
  return trimmed.length > 200 ? `${trimmed.slice(0, 200)}…` : trimmed;
}
