import { GatewayError } from '../../errors/gateway-error.js';
import type { ErrorCode } from '../../errors/error-codes.js';
import { parseRetryAfter } from '../../http/retry-after.js';
import { tryParseJson } from '../../http/safe-json.js';
import { openAIErrorObjectSchema, type OpenAIErrorObject } from './openai-wire.js';
import { parseOpenAIRateLimitReset } from './parse-openai-rate-limit-reset.js';

export interface OpenAIErrorContext {
  deploymentId: string;
  /** Removed from upstream messages, which sometimes echo (part of) the key. */
  apiKey?: string;
}

/*
 * Servers word an overflowing prompt differently: OpenAI and Groq send the code, vLLM, DeepSeek
 * and Mistral only a message ("maximum context length"), llama.cpp `exceed_context_size_error`,
 * Ollama "input length exceeds the context length", TGI-based hosts "`inputs` tokens + `max_new_tokens`".
 */
const CONTEXT_OVERFLOW_PATTERNS = [
  /context[_ ]length[_ ]exceeded/i,
  /maximum context length/i,
  /context window/i,
  /exceeds? (the )?(available )?context (size|length)/i,
  /exceed_context_size/i,
  /prompt is too long/i,
  /`inputs` tokens \+ `max_new_tokens`/i,
  /reduce the length of the messages/i,
];

const CONTENT_FILTER_CODES = new Set(['content_filter', 'content_policy_violation', 'ResponsibleAIPolicyViolation']);
const MAX_MESSAGE_LENGTH = 500;

/** Maps a non-2xx upstream answer to a typed error; any body shape is accepted, including none. */
export function mapOpenAIError(
  status: number,
  headers: Record<string, string | string[] | undefined>,
  bodyText: string,
  context: OpenAIErrorContext,
): GatewayError {
  const error = readOpenAIErrorObject(tryParseJson(bodyText)) ?? { message: bodyText.trim() || undefined };
  return mapOpenAIErrorObject(error, { status, headers }, context);
}

/**
 * Finds the error object in a body: OpenAI's `{error: {...}}`, the top-level form vLLM and
 * Mistral use (`{object: "error", message, type, code}`), or `{error: "text"}`.
 */
export function readOpenAIErrorObject(body: unknown): OpenAIErrorObject | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  if (typeof record.error === 'string') return { message: record.error };
  const candidate = typeof record.error === 'object' && record.error !== null ? record.error : record.object === 'error' || 'message' in record ? record : undefined;
  if (candidate === undefined) return undefined;
  const parsed = openAIErrorObjectSchema.safeParse(candidate);
  return parsed.success ? parsed.data : undefined;
}

/** Maps an error object from a body or from inside a stream (where there is no HTTP status). */
export function mapOpenAIErrorObject(
  error: OpenAIErrorObject,
  response: { status?: number; headers?: Record<string, string | string[] | undefined> },
  context: OpenAIErrorContext,
): GatewayError {
  const status = response.status ?? (typeof error.code === 'number' ? error.code : undefined);
  const code = typeof error.code === 'string' ? error.code : undefined;
  const upstreamMessage = redact(error.message ?? '', context.apiKey);
  const where = status !== undefined ? `upstream answered ${status}` : 'upstream stream failed';
  const detail = [code ?? error.type, upstreamMessage].filter((part) => part !== undefined && part !== null && part !== '').join(': ');
  const message = `${context.deploymentId}: ${where}${detail ? `: ${detail}` : ''}`;
  const base = { deploymentId: context.deploymentId, ...(status !== undefined ? { upstreamStatus: status } : {}) };

  const gatewayCode = classify(status, code, error, upstreamMessage);
  if (gatewayCode === 'rate_limited') {
    const retryAfterMs =
      response.headers !== undefined ? (parseRetryAfter(response.headers) ?? parseOpenAIRateLimitReset(response.headers, error.type)) : undefined;
    // An exhausted quota or billing limit stays a rate limit (it is a 429 and the router must
    // move on), but waiting and retrying the same deployment cannot succeed until someone pays.
    const quota = code === 'insufficient_quota' || error.type === 'insufficient_quota';
    return new GatewayError('rate_limited', message, {
      ...base,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      ...(quota ? { retryable: false } : {}),
    });
  }
  const param = gatewayCode === 'upstream_invalid_request' && typeof error.param === 'string' ? { param: error.param } : {};
  return new GatewayError(gatewayCode, message, { ...base, ...param });
}

function classify(status: number | undefined, code: string | undefined, error: OpenAIErrorObject, message: string): ErrorCode {
  const isClientError = status === undefined || (status >= 400 && status < 500);
  if (isClientError) {
    if ((code !== undefined && CONTENT_FILTER_CODES.has(code)) || (error.innererror?.code != null && CONTENT_FILTER_CODES.has(error.innererror.code))) {
      return 'content_filtered';
    }
    if (status === undefined || status === 400 || status === 413 || status === 422) {
      if (code === 'context_length_exceeded' || CONTEXT_OVERFLOW_PATTERNS.some((pattern) => pattern.test(message))) {
        return 'context_length_exceeded';
      }
    }
  }
  if (status === undefined) return classifyWithoutStatus(code, error.type);
  // Groq answers 413 with this code when one request exceeds the tokens-per-minute limit.
  if (code === 'rate_limit_exceeded') return 'rate_limited';
  if (status === 401 || status === 403) return 'upstream_auth';
  if (status === 404) return 'upstream_not_found';
  if (status === 429) return 'rate_limited';
  if (status === 503 || status === 529) return 'overloaded';
  if (status >= 500) return 'upstream_server_error';
  // 408 and 409 are transient on OpenAI's side ("retry the request"), not the caller's fault.
  if (status === 408 || status === 409) return 'upstream_server_error';
  return 'upstream_invalid_request';
}

/** In-stream errors carry no status: read the type and code instead. */
function classifyWithoutStatus(code: string | undefined, type: string | null | undefined): ErrorCode {
  const label = `${type ?? ''} ${code ?? ''}`;
  if (/rate_limit|insufficient_quota/.test(label)) return 'rate_limited';
  if (/overloaded|unavailable/.test(label)) return 'overloaded';
  if (/authentication|permission|invalid_api_key/.test(label)) return 'upstream_auth';
  if (/invalid_request/.test(label)) return 'upstream_invalid_request';
  return 'upstream_server_error';
}

function redact(message: string, apiKey: string | undefined): string {
  let out = apiKey !== undefined && apiKey.length >= 8 ? message.split(apiKey).join('[redacted]') : message;
  if (out.length > MAX_MESSAGE_LENGTH) out = `${out.slice(0, MAX_MESSAGE_LENGTH)}…`;
  return out;
}
