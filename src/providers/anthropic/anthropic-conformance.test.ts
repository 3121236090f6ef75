import { describeAdapterConformance, type ConformanceError, type ConformanceKit } from '../../../test/support/adapter-conformance.js';
import type { FakeReply } from '../../../test/support/fake-upstream.js';
import { loadFixtureJson } from '../../../test/support/fixtures.js';
import { anthropicProvider } from './anthropic-provider.js';

const MODEL = 'claude-sonnet-4-5-20250929';

/** Each kind as Anthropic really answers it: status and error body (recorded shapes in switchyard-error-*.json). */
const ERRORS: Record<ConformanceError, { status: number; fixture: string }> = {
  auth: { status: 401, fixture: 'switchyard-error-authentication.json' },
  not_found: { status: 404, fixture: 'switchyard-error-not-found.json' },
  rate_limited: { status: 429, fixture: 'switchyard-error-rate-limit.json' },
  context_overflow: { status: 400, fixture: 'switchyard-error-prompt-too-long.json' },
  server_error: { status: 500, fixture: 'switchyard-error-api.json' },
  overloaded: { status: 529, fixture: 'switchyard-error-overloaded.json' },
  content_filtered: { status: 400, fixture: 'switchyard-error-content-filtered.json' },
  invalid_request: { status: 400, fixture: 'switchyard-error-invalid-request.json' },
};

function messageStart(id: string, input: number) {
  return {
    type: 'message_start',
    message: { id, type: 'message', role: 'assistant', model: MODEL, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: input, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 } },
  };
}

/** Anthropic names each SSE event after its payload's `type`. */
function sse(payloads: Array<{ type: string } & Record<string, unknown>>): FakeReply {
  return { kind: 'sse', events: payloads.map((data) => ({ event: data.type, data })) };
}

function splitJson(args: Record<string, unknown>): string[] {
  const json = JSON.stringify(args);
  const third = Math.ceil(json.length / 3);
  return [json.slice(0, third), json.slice(third, 2 * third), json.slice(2 * third)];
}

const anthropicConformanceKit: ConformanceKit = {
  provider: 'anthropic',
  createModel: (baseUrl, pools) =>
    anthropicProvider.create({ deploymentId: 'anthropic/conformance', model: MODEL, baseUrl: `${baseUrl}/v1`, apiKey: 'sk-ant-conformance', pools }),
  text: (text, usage) => ({
    kind: 'json',
    body: {
      id: 'msg_01Conformance', type: 'message', role: 'assistant', model: MODEL,
      content: [{ type: 'text', text }], stop_reason: 'end_turn', stop_sequence: null,
      usage: { input_tokens: usage.input, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: usage.output },
    },
  }),
  textStream: (pieces, usage) =>
    sse([
      messageStart('msg_01ConformanceStream', usage.input),
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'ping' },
      ...pieces.map((text) => ({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } })),
      { type: 'content_block_stop', index: 0 },
      { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: usage.output } },
      { type: 'message_stop' },
    ]),
  toolCall: (name, args) => ({
    kind: 'json',
    body: {
      id: 'msg_01ConformanceTool', type: 'message', role: 'assistant', model: MODEL,
      content: [{ type: 'text', text: 'Let me check.' }, { type: 'tool_use', id: 'toolu_01Conformance', name, input: args }],
      stop_reason: 'tool_use', stop_sequence: null,
      usage: { input_tokens: 380, output_tokens: 55 },
    },
  }),
  toolCallStream: (name, args) =>
    sse([
      messageStart('msg_01ConformanceToolStream', 380),
      { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_01ConformanceStream', name, input: {} } },
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '' } },
      ...splitJson(args).map((partial_json) => ({ type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json } })),
      { type: 'content_block_stop', index: 0 },
      { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 40 } },
      { type: 'message_stop' },
    ]),
  error: (kind, options) => {
    const { status, fixture } = ERRORS[kind];
    const headers: Record<string, string> = { 'request-id': 'req_011Conformance' };
    if (kind === 'rate_limited' && options?.retryAfterSeconds !== undefined) headers['retry-after'] = String(options.retryAfterSeconds);
    return { kind: 'json', status, headers, body: loadFixtureJson(`providers/anthropic/${fixture}`) };
  },
};

describeAdapterConformance(anthropicConformanceKit);
