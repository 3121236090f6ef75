import { describe, expect, it } from 'vitest';
import { loadFixtureJson } from '../../../test/support/fixtures.js';
import { mapOpenAIError, mapOpenAIErrorObject } from './map-openai-error.js';

const context = { deploymentId: 'test/model', apiKey: 'sk-abcdefgh12345678' };
const fixture = (name: string) => JSON.stringify(loadFixtureJson(`providers/openai/${name}`));

describe('mapOpenAIError', () => {
  it.each([
    ['OpenAI context_length_exceeded', 400, fixture('switchyard-error-context-length.json'), 'context_length_exceeded', 'context_overflow'],
    ['vLLM top-level error with a numeric code', 400, fixture('switchyard-error-vllm-context-length.json'), 'context_length_exceeded', 'context_overflow'],
    ['Mistral context message', 400, JSON.stringify({ object: 'error', message: 'Prompt contains 40000 tokens and 0 draft tokens, too large for model with 32768 maximum context length', type: 'invalid_request_error', param: null, code: null }), 'context_length_exceeded', 'context_overflow'],
    ['Ollama plain error', 400, JSON.stringify({ error: { message: 'input length exceeds the context length', type: 'api_error', param: null, code: null } }), 'context_length_exceeded', 'context_overflow'],
    ['TGI-style message as 422', 422, JSON.stringify({ error: 'Input validation error: `inputs` tokens + `max_new_tokens` must be <= 8192. Given: 9000 `inputs` tokens and 100 `max_new_tokens`', error_type: 'validation' }), 'context_length_exceeded', 'context_overflow'],
    ['Azure content filter', 400, fixture('switchyard-error-azure-content-filter.json'), 'content_filtered', 'content_filtered'],
    ['legacy parameter', 400, fixture('reasoning-model-legacy-parameter-error.json'), 'upstream_invalid_request', 'invalid_request'],
    ['unprocessable', 422, JSON.stringify({ detail: [{ msg: 'field required' }] }), 'upstream_invalid_request', 'invalid_request'],
    ['invalid key', 401, fixture('switchyard-error-auth.json'), 'upstream_auth', 'auth'],
    ['forbidden region', 403, JSON.stringify({ error: { message: 'Country, region, or territory not supported', type: 'request_forbidden', param: null, code: 'unsupported_country_region_territory' } }), 'upstream_auth', 'auth'],
    ['unknown model', 404, fixture('switchyard-error-not-found.json'), 'upstream_not_found', 'invalid_request'],
    ['rate limit', 429, fixture('switchyard-error-rate-limited.json'), 'rate_limited', 'rate_limited'],
    ['server error', 500, fixture('switchyard-error-server.json'), 'upstream_server_error', 'server_error'],
    ['bad gateway with HTML', 502, '<html><body>502 Bad Gateway</body></html>', 'upstream_server_error', 'server_error'],
    ['gateway timeout, empty body', 504, '', 'upstream_server_error', 'server_error'],
    ['overloaded', 503, fixture('switchyard-error-overloaded.json'), 'overloaded', 'overloaded'],
  ])('%s -> %s', (_name, status, body, code, outcome) => {
    const error = mapOpenAIError(status, {}, body, context);
    expect(error.code).toBe(code);
    expect(error.outcome).toBe(outcome);
    expect(error.upstreamStatus).toBe(status);
    expect(error.deploymentId).toBe('test/model');
    expect(error.message.startsWith(`test/model: upstream answered ${status}`)).toBe(true);
  });

  it('includes the upstream message', () => {
    const error = mapOpenAIError(400, {}, fixture('switchyard-error-context-length.json'), context);
    expect(error.message).toContain("This model's maximum context length is 128000 tokens.");
  });

  it('reads retry-after for 429 and keeps ordinary rate limits retryable', () => {
    const error = mapOpenAIError(429, { 'retry-after': '3' }, fixture('switchyard-error-rate-limited.json'), context);
    expect(error.retryAfterMs).toBe(3000);
    expect(error.retryable).toBe(true);
  });

  it('falls back to the x-ratelimit-reset header of the limit that was hit', () => {
    const headers = { 'x-ratelimit-reset-requests': '6m0s', 'x-ratelimit-reset-tokens': '1.5s' };
    expect(mapOpenAIError(429, headers, fixture('switchyard-error-rate-limited.json'), context).retryAfterMs).toBe(1500);
    const requestsBody = JSON.stringify({ error: { message: 'Rate limit reached on requests per day (RPD)', type: 'requests', code: 'rate_limit_exceeded' } });
    expect(mapOpenAIError(429, headers, requestsBody, context).retryAfterMs).toBe(360_000);
    expect(mapOpenAIError(429, { ...headers, 'retry-after': '2' }, requestsBody, context).retryAfterMs).toBe(2000);
    expect(mapOpenAIError(429, {}, requestsBody, context).retryAfterMs).toBeUndefined();
  });

  it('keeps an exhausted quota a rate limit but not retryable', () => {
    const error = mapOpenAIError(429, {}, fixture('switchyard-error-insufficient-quota.json'), context);
    expect(error.code).toBe('rate_limited');
    expect(error.outcome).toBe('rate_limited');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('exceeded your current quota');
  });

  it('maps Groq 413 tokens-per-minute errors to a rate limit', () => {
    const body = JSON.stringify({ error: { message: 'Request too large for model on tokens per minute (TPM): Limit 6000, Requested 9000', type: 'tokens', code: 'rate_limit_exceeded' } });
    expect(mapOpenAIError(413, {}, body, context).code).toBe('rate_limited');
  });

  it('redacts the API key and truncates long messages', () => {
    const long = `key sk-abcdefgh12345678 ${'x'.repeat(2000)}`;
    const error = mapOpenAIError(400, {}, JSON.stringify({ error: { message: long } }), context);
    expect(error.message).not.toContain('sk-abcdefgh12345678');
    expect(error.message.length).toBeLessThan(700);
  });
});

describe('mapOpenAIErrorObject without a status (errors inside a stream)', () => {
  it.each([
    [{ message: 'boom', type: 'server_error' }, 'upstream_server_error'],
    [{ message: 'slow down', type: 'rate_limit_error', code: 'rate_limit_exceeded' }, 'rate_limited'],
    [{ message: "This model's maximum context length is 4096 tokens.", type: 'invalid_request_error' }, 'context_length_exceeded'],
    [{ message: 'filtered', code: 'content_filter' }, 'content_filtered'],
    [{ message: 'Overloaded', type: 'overloaded_error' }, 'overloaded'],
    [{ message: 'bad field', type: 'invalid_request_error' }, 'upstream_invalid_request'],
  ])('%o -> %s', (object, code) => {
    expect(mapOpenAIErrorObject(object, {}, context).code).toBe(code);
  });
});
