import type { OutcomeClass } from '../spec/outcome-class.js';

/**
 * The one table of error codes: HTTP status we answer with, OpenAI error `type`, whether a
 * retry may help, the outcome class it records, and what it means. A test checks that every
 * code is documented here and in docs/errors.md.
 */
export const ERROR_CODES = {
  invalid_json: { status: 400, type: 'invalid_request_error', retryable: false, outcome: 'invalid_request', description: 'The request body is not valid JSON.' },
  invalid_request: { status: 400, type: 'invalid_request_error', retryable: false, outcome: 'invalid_request', description: 'The request is well-formed JSON but a field is missing or wrong.' },
  body_too_large: { status: 413, type: 'invalid_request_error', retryable: false, outcome: 'invalid_request', description: 'The request body is larger than the configured limit.' },
  model_not_found: { status: 404, type: 'invalid_request_error', retryable: false, outcome: 'invalid_request', description: 'The model names no deployment, alias or policy.' },
  no_candidate: { status: 400, type: 'invalid_request_error', retryable: false, outcome: 'invalid_request', description: 'No deployment can serve the request (context window, capabilities, allowed models, cost or latency limits).' },
  not_found: { status: 404, type: 'invalid_request_error', retryable: false, outcome: 'invalid_request', description: 'No such endpoint or resource.' },
  method_not_allowed: { status: 405, type: 'invalid_request_error', retryable: false, outcome: 'invalid_request', description: 'The endpoint does not accept this HTTP method.' },
  unauthorized: { status: 401, type: 'authentication_error', retryable: false, outcome: 'auth', description: 'The API key is missing, unknown, revoked or expired.' },
  forbidden: { status: 403, type: 'permission_error', retryable: false, outcome: 'auth', description: 'The key may not use this model, policy or endpoint.' },
  budget_exceeded: { status: 429, type: 'insufficient_quota', retryable: false, outcome: 'rate_limited', description: 'The request does not fit in a budget; the message names it.' },
  rate_limited: { status: 429, type: 'rate_limit_error', retryable: true, outcome: 'rate_limited', description: 'An upstream or gateway rate limit was hit.' },
  queue_full: { status: 429, type: 'rate_limit_error', retryable: true, outcome: 'overloaded', description: 'Every candidate is at its concurrency limit and the queue is full or would miss the deadline.' },
  overloaded: { status: 503, type: 'server_error', retryable: true, outcome: 'overloaded', description: 'The upstream is overloaded (HTTP 503, Anthropic 529).' },
  context_length_exceeded: { status: 400, type: 'invalid_request_error', retryable: false, outcome: 'context_overflow', description: 'The prompt and requested output do not fit the model context window.' },
  content_filtered: { status: 400, type: 'invalid_request_error', retryable: false, outcome: 'content_filtered', description: 'The upstream refused the content under its safety policy.' },
  upstream_invalid_request: { status: 400, type: 'invalid_request_error', retryable: false, outcome: 'invalid_request', description: 'The upstream rejected the request as invalid.' },
  upstream_auth: { status: 502, type: 'server_error', retryable: false, outcome: 'auth', description: 'The upstream rejected the gateway credentials (401/403); the deployment is misconfigured.' },
  upstream_not_found: { status: 502, type: 'server_error', retryable: false, outcome: 'invalid_request', description: 'The upstream does not know the configured model (404).' },
  upstream_server_error: { status: 502, type: 'server_error', retryable: true, outcome: 'server_error', description: 'The upstream failed with a 5xx status.' },
  upstream_bad_response: { status: 502, type: 'server_error', retryable: true, outcome: 'server_error', description: 'The upstream answered with a body or stream that could not be parsed.' },
  network_error: { status: 502, type: 'server_error', retryable: true, outcome: 'network', description: 'The connection to the upstream failed or was reset.' },
  connect_timeout: { status: 504, type: 'timeout_error', retryable: true, outcome: 'timeout', description: 'Connecting to the upstream took longer than the connect deadline.' },
  first_token_timeout: { status: 504, type: 'timeout_error', retryable: true, outcome: 'timeout', description: 'The upstream sent no first token within the time-to-first-token deadline.' },
  idle_timeout: { status: 504, type: 'timeout_error', retryable: true, outcome: 'timeout', description: 'The upstream stream stalled longer than the idle deadline.' },
  total_timeout: { status: 504, type: 'timeout_error', retryable: false, outcome: 'timeout', description: 'The request ran past its total deadline.' },
  stream_interrupted: { status: 502, type: 'server_error', retryable: false, outcome: 'network', description: 'The upstream stream failed after the first token was sent to the client.' },
  circuit_open: { status: 503, type: 'server_error', retryable: true, outcome: 'overloaded', description: 'Every candidate deployment is cooling down behind an open circuit breaker.' },
  superseded: { status: 499, type: 'invalid_request_error', retryable: false, outcome: 'superseded', description: 'Another attempt of the same request (a hedge or a race leg) answered first and this one was aborted; appears on attempt records, never as an answer.' },
  no_consensus: { status: 502, type: 'server_error', retryable: false, outcome: 'server_error', description: 'Consensus mode: no answer was given by more than half of the candidates asked, and the policy says to fail rather than return the best-ranked one.' },
  client_closed: { status: 499, type: 'invalid_request_error', retryable: false, outcome: 'network', description: 'The client went away before the answer was complete.' },
  internal: { status: 500, type: 'server_error', retryable: false, outcome: 'server_error', description: 'A bug in the gateway; the log has the details.' },
  invalid_config: { status: 500, type: 'server_error', retryable: false, outcome: 'invalid_request', description: 'The configuration file is invalid; the message names the field and why.' },
  unavailable: { status: 503, type: 'server_error', retryable: true, outcome: 'server_error', description: 'A store or service the gateway needs is unavailable.' },
} as const satisfies Record<string, ErrorCodeInfo>;

export interface ErrorCodeInfo {
  status: number;
  type: string;
  retryable: boolean;
  outcome: OutcomeClass;
  description: string;
}

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(value: string): value is ErrorCode {
  return Object.prototype.hasOwnProperty.call(ERROR_CODES, value);
}
