import { GatewayError } from '../../errors/gateway-error.js';
import type { ErrorCode } from '../../errors/error-codes.js';
import { parseRetryAfter } from '../../http/retry-after.js';
import { tryParseJson } from '../../http/safe-json.js';
import { geminiErrorBodySchema } from './gemini-wire.js';

export interface GeminiErrorInput {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  deploymentId?: string;
  /** Scrubbed from the message in case an upstream or proxy echoes it. */
  apiKey?: string;
}

const RETRY_INFO = 'type.googleapis.com/google.rpc.RetryInfo';
const ERROR_INFO = 'type.googleapis.com/google.rpc.ErrorInfo';
// Google words context overflow as "The input token count (N) exceeds the maximum number of tokens allowed (M)."
const CONTEXT_OVERFLOW = /input token count.*exceeds|exceeds the maximum number of tokens|too many (input )?tokens|context (length|window)/i;

/**
 * Maps a non-2xx answer in Google's error format (`{error: {code, message, status, details}}`)
 * to a typed error. The gRPC-style `status` is trusted over the HTTP code where they differ; an
 * invalid API key arrives as a 400 INVALID_ARGUMENT whose ErrorInfo reason says so.
 */
export function mapGeminiError(input: GeminiErrorInput): GatewayError {
  let parsed = tryParseJson(input.body);
  // streamGenerateContent without `alt=sse` wraps even its errors in a JSON array.
  if (Array.isArray(parsed)) parsed = parsed[0];
  const body = geminiErrorBodySchema.safeParse(parsed);
  const error = body.success ? body.data.error : undefined;
  const status = error?.status ?? '';
  const details = error?.details ?? [];
  const rawMessage = error?.message ?? (input.body.trim().slice(0, 300) || `HTTP ${input.status}`);
  const where = input.deploymentId ?? 'gemini';
  const message = redact(`${where}: ${rawMessage}${status ? ` (${status})` : ''}`, input.apiKey);

  const code = classify(input.status, status, rawMessage, details);
  const options: ConstructorParameters<typeof GatewayError>[2] = { upstreamStatus: input.status };
  if (input.deploymentId !== undefined) options.deploymentId = input.deploymentId;
  if (code === 'rate_limited') {
    const retryAfterMs = retryDelayMs(details) ?? parseRetryAfter(input.headers);
    if (retryAfterMs !== undefined) options.retryAfterMs = retryAfterMs;
  }
  return new GatewayError(code, message, options);
}

function classify(httpStatus: number, status: string, message: string, details: Array<Record<string, unknown>>): ErrorCode {
  if (details.some((d) => d['@type'] === ERROR_INFO && (d.reason === 'API_KEY_INVALID' || d.reason === 'API_KEY_SERVICE_BLOCKED'))) return 'upstream_auth';
  if (status === 'UNAUTHENTICATED' || status === 'PERMISSION_DENIED' || httpStatus === 401 || httpStatus === 403) return 'upstream_auth';
  if (status === 'RESOURCE_EXHAUSTED' || httpStatus === 429) return 'rate_limited';
  if (status === 'NOT_FOUND' || httpStatus === 404) return 'upstream_not_found';
  if (status === 'UNAVAILABLE' || httpStatus === 503) return 'overloaded';
  if (httpStatus >= 500) return 'upstream_server_error';
  if (CONTEXT_OVERFLOW.test(message)) return 'context_length_exceeded';
  return 'upstream_invalid_request';
}

/** Reads `google.rpc.RetryInfo.retryDelay`, a protobuf Duration in JSON form such as "34.4s". */
function retryDelayMs(details: Array<Record<string, unknown>>): number | undefined {
  for (const detail of details) {
    if (detail['@type'] !== RETRY_INFO || typeof detail.retryDelay !== 'string') continue;
    const match = /^(\d+(?:\.\d+)?)s$/.exec(detail.retryDelay.trim());
    if (match?.[1] !== undefined) return Math.round(Number(match[1]) * 1000);
  }
  return undefined;
}

function redact(message: string, apiKey: string | undefined): string {
  return apiKey !== undefined && apiKey.length > 0 ? message.split(apiKey).join('[redacted]') : message;
}
