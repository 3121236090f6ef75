import { describeAdapterConformance, type ConformanceError, type ConformanceKit } from '../../../test/support/adapter-conformance.js';
import type { FakeReply } from '../../../test/support/fake-upstream.js';
import { loadFixtureJson } from '../../../test/support/fixtures.js';
import { OPENAI_COMPATIBLE_PROVIDERS, openaiProvider } from './openai-provider.js';

const ID = 'chatcmpl-conformance';
const MODEL = 'gpt-4o-mini-2024-07-18';

function chunk(choices: unknown[], usage: unknown = null): Record<string, unknown> {
  return { id: ID, object: 'chat.completion.chunk', created: 1770933892, model: MODEL, system_fingerprint: 'fp_test', choices, usage };
}

function usageOf(usage: { input: number; output: number }) {
  return {
    prompt_tokens: usage.input,
    completion_tokens: usage.output,
    total_tokens: usage.input + usage.output,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

function completion(message: Record<string, unknown>, finishReason: string, usage: { input: number; output: number }): FakeReply {
  return {
    kind: 'json',
    body: {
      id: ID,
      object: 'chat.completion',
      created: 1770933892,
      model: MODEL,
      choices: [{ index: 0, message: { role: 'assistant', refusal: null, annotations: [], ...message }, logprobs: null, finish_reason: finishReason }],
      usage: usageOf(usage),
      service_tier: 'default',
      system_fingerprint: 'fp_test',
    },
  };
}

/** OpenAI's own error answers per kind: status, headers and body as the API sends them. */
const ERRORS: Record<ConformanceError, { status: number; fixture: string }> = {
  auth: { status: 401, fixture: 'switchyard-error-auth.json' },
  not_found: { status: 404, fixture: 'switchyard-error-not-found.json' },
  rate_limited: { status: 429, fixture: 'switchyard-error-rate-limited.json' },
  context_overflow: { status: 400, fixture: 'switchyard-error-context-length.json' },
  server_error: { status: 500, fixture: 'switchyard-error-server.json' },
  overloaded: { status: 503, fixture: 'switchyard-error-overloaded.json' },
  // OpenAI itself does not filter prompts with an error; Azure OpenAI does, in this shape.
  content_filtered: { status: 400, fixture: 'switchyard-error-azure-content-filter.json' },
  invalid_request: { status: 400, fixture: 'reasoning-model-legacy-parameter-error.json' },
};

const openaiConformanceKit: ConformanceKit = {
  provider: 'openai',
  createModel: (baseUrl, pools) => openaiProvider.create({ deploymentId: 'openai/conformance', model: 'gpt-4o-mini', baseUrl, apiKey: 'sk-test-key-0123456789', pools }),
  text: (text, usage) => completion({ content: text }, 'stop', usage),
  textStream: (pieces, usage) => ({
    kind: 'sse',
    events: [
      { data: chunk([{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }]) },
      ...pieces.map((piece) => ({ data: chunk([{ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null }]) })),
      { data: chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]) },
      { data: chunk([], usageOf(usage)) },
      { data: '[DONE]' },
    ],
  }),
  toolCall: (name, args) =>
    completion(
      { content: null, tool_calls: [{ id: 'call_abc123', type: 'function', function: { name, arguments: JSON.stringify(args) } }] },
      'tool_calls',
      { input: 40, output: 12 },
    ),
  toolCallStream: (name, args) => {
    const json = JSON.stringify(args);
    const third = Math.ceil(json.length / 3);
    const pieces = [json.slice(0, third), json.slice(third, 2 * third), json.slice(2 * third)];
    return {
      kind: 'sse',
      events: [
        { data: chunk([{ index: 0, delta: { role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'call_abc123', type: 'function', function: { name, arguments: '' } }], refusal: null }, logprobs: null, finish_reason: null }]) },
        ...pieces.map((piece) => ({ data: chunk([{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: piece } }] }, logprobs: null, finish_reason: null }]) })),
        { data: chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' }]) },
        { data: chunk([], usageOf({ input: 40, output: 12 })) },
        { data: '[DONE]' },
      ],
    };
  },
  error: (kind, options) => {
    const { status, fixture } = ERRORS[kind];
    const headers: Record<string, string> = { 'x-request-id': 'req_test' };
    if (kind === 'rate_limited' && options?.retryAfterSeconds !== undefined) headers['retry-after'] = String(options.retryAfterSeconds);
    return { kind: 'json', status, headers, body: loadFixtureJson(`providers/openai/${fixture}`) };
  },
};

describeAdapterConformance(openaiConformanceKit);

// The same wire format through Azure's deployment paths and `api-key` header.
const azureProvider = OPENAI_COMPATIBLE_PROVIDERS.find((factory) => factory.name === 'azure');
describeAdapterConformance({
  ...openaiConformanceKit,
  provider: 'azure',
  createModel: (baseUrl, pools) => {
    if (azureProvider === undefined) throw new Error('azure preset missing');
    return azureProvider.create({ deploymentId: 'azure/conformance', model: 'gpt-4o-mini', baseUrl, apiKey: 'azure-test-key', pools, settings: { deployment: 'conformance' } });
  },
});
