import { parseMultipartForm } from '../../src/server/parse-multipart-form.js';
import { startFakeUpstream, type FakeReply, type FakeUpstream, type SeenRequest } from './fake-upstream.js';

/** The last user message's text of a chat body (OpenAI or Anthropic shape). */
function lastUserText(body: { messages?: Array<{ role: string; content: unknown }> }): string {
  const last = [...(body.messages ?? [])].reverse().find((message) => message.role === 'user');
  if (typeof last?.content === 'string') return last.content;
  if (Array.isArray(last?.content)) return (last.content as Array<{ text?: string }>).map((part) => part.text ?? '').join('');
  return '';
}

/**
 * A provider batch API with the clock in the test's hands: a batch stays `in_progress` until
 * `finish()` and then answers every request with `echo: <question>` (10 input, 5 output
 * tokens); a question `fail` gets an invalid-request error instead.
 */
export interface FakeBatchProvider {
  upstream: FakeUpstream;
  /** Batches created, by id, with the custom ids and bodies they carried. */
  batches: Map<string, { requests: Array<{ customId: string; body: Record<string, unknown> }>; ended: boolean; cancelled: boolean }>;
  /** Ends every batch created so far. */
  finish(): void;
  /** While on, a create-batch call is never answered and creates nothing (the caller dies waiting). */
  holdCreates(on: boolean): void;
  /** Create-batch calls left unanswered so far. */
  heldCreates(): number;
  /** Calls that went to the synchronous chat endpoint (must stay zero for batched lines). */
  directCalls(): SeenRequest[];
  close(): Promise<void>;
}

/** Whether create calls are held, and how many were; shared by a fake's handler and its controls. */
interface Holding {
  on: boolean;
  count: number;
}

function held(holding: Holding): FakeReply | undefined {
  if (!holding.on) return undefined;
  holding.count += 1;
  return { kind: 'stall' };
}

function provider(upstream: FakeUpstream, batches: FakeBatchProvider['batches'], directPath: string, holding: Holding): FakeBatchProvider {
  return {
    upstream,
    batches,
    holdCreates: (on) => void (holding.on = on),
    heldCreates: () => holding.count,
    finish: () => {
      for (const batch of batches.values()) batch.ended = true;
    },
    directCalls: () => upstream.requests.filter((request) => request.path === directPath),
    close: () => upstream.close(),
  };
}

/** OpenAI's Files and Batch API (`/v1/files`, `/v1/batches`), with output and error files. */
export async function startFakeOpenAIBatch(): Promise<FakeBatchProvider> {
  const files = new Map<string, string>();
  const batches: FakeBatchProvider['batches'] = new Map();
  const holding: Holding = { on: false, count: 0 };
  let next = 0;
  const handler = (request: SeenRequest): FakeReply => {
    const path = request.path;
    if (request.method === 'POST' && path === '/v1/files') {
      const parts = parseMultipartForm(Buffer.from(request.body), String(request.headers['content-type']));
      if (parts.find((part) => part.name === 'purpose')?.data.toString() !== 'batch') return { kind: 'json', status: 400, body: { error: { message: 'purpose must be batch', type: 'invalid_request_error' } } };
      const id = `file-${(next += 1)}`;
      files.set(id, parts.find((part) => part.name === 'file')?.data.toString('utf8') ?? '');
      return { kind: 'json', body: { id, object: 'file', purpose: 'batch' } };
    }
    if (request.method === 'POST' && path === '/v1/batches') {
      const stall = held(holding);
      if (stall !== undefined) return stall;
      const { input_file_id: inputFileId, endpoint, completion_window: window } = request.json as Record<string, string>;
      if (endpoint !== '/v1/chat/completions' || window !== '24h' || !files.has(inputFileId ?? '')) return { kind: 'json', status: 400, body: { error: { message: 'bad batch', type: 'invalid_request_error' } } };
      const lines = (files.get(inputFileId ?? '') ?? '').trim().split('\n').map((line) => JSON.parse(line) as { custom_id: string; method: string; url: string; body: Record<string, unknown> });
      if (lines.some((line) => line.method !== 'POST' || line.url !== '/v1/chat/completions')) return { kind: 'json', status: 400, body: { error: { message: 'bad line', type: 'invalid_request_error' } } };
      const id = `batch_${(next += 1)}`;
      batches.set(id, { requests: lines.map((line) => ({ customId: line.custom_id, body: line.body })), ended: false, cancelled: false });
      return { kind: 'json', body: { id, object: 'batch', status: 'validating' } };
    }
    const batchMatch = /^\/v1\/batches\/([^/]+)(\/cancel)?$/.exec(path);
    if (batchMatch !== null) {
      const batch = batches.get(batchMatch[1] ?? '');
      if (batch === undefined) return { kind: 'json', status: 404, body: { error: { message: 'no batch', type: 'invalid_request_error' } } };
      if (batchMatch[2] !== undefined) batch.cancelled = true;
      if (!batch.ended) return { kind: 'json', body: { id: batchMatch[1], status: batch.cancelled ? 'cancelling' : 'in_progress' } };
      const ok = batch.requests.filter((r) => lastUserText(r.body) !== 'fail');
      const failed = batch.requests.filter((r) => lastUserText(r.body) === 'fail');
      const outputId = `file-out-${batchMatch[1]}`;
      const errorId = `file-err-${batchMatch[1]}`;
      files.set(outputId, ok.map((r) => JSON.stringify({ id: `br-${r.customId}`, custom_id: r.customId, response: { status_code: 200, request_id: 'x', body: { id: `c-${r.customId}`, object: 'chat.completion', created: 1, model: r.body.model, choices: [{ index: 0, message: { role: 'assistant', content: `echo: ${lastUserText(r.body)}` }, finish_reason: 'stop' }], usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } } }, error: null })).join('\n'));
      files.set(errorId, failed.map((r) => JSON.stringify({ id: `br-${r.customId}`, custom_id: r.customId, response: { status_code: 400, request_id: 'y', body: { error: { message: 'refused', type: 'invalid_request_error', code: null } } }, error: null })).join('\n'));
      return { kind: 'json', body: { id: batchMatch[1], status: 'completed', output_file_id: ok.length > 0 ? outputId : null, error_file_id: failed.length > 0 ? errorId : null } };
    }
    const content = /^\/v1\/files\/([^/]+)\/content$/.exec(path);
    if (content !== null && files.has(content[1] ?? '')) return { kind: 'text', headers: { 'content-type': 'application/jsonl' }, body: files.get(content[1] ?? '') ?? '' };
    return { kind: 'json', status: 404, body: { error: { message: `no route ${request.method} ${path}`, type: 'invalid_request_error' } } };
  };
  return provider(await startFakeUpstream(handler), batches, '/v1/chat/completions', holding);
}

/** Anthropic's Message Batches API (`/v1/messages/batches`), results as JSONL at `results_url`. */
export async function startFakeAnthropicBatch(): Promise<FakeBatchProvider> {
  const batches: FakeBatchProvider['batches'] = new Map();
  const holding: Holding = { on: false, count: 0 };
  let next = 0;
  let origin = '';
  const handler = (request: SeenRequest): FakeReply => {
    const path = request.path;
    if (request.headers['x-api-key'] !== 'ant-key' || request.headers['anthropic-version'] === undefined) return { kind: 'json', status: 401, body: { type: 'error', error: { type: 'authentication_error', message: 'bad key' } } };
    if (request.method === 'POST' && path === '/v1/messages/batches') {
      const stall = held(holding);
      if (stall !== undefined) return stall;
      const { requests } = request.json as { requests: Array<{ custom_id: string; params: Record<string, unknown> }> };
      if (!requests.every((r) => /^[a-zA-Z0-9_-]{1,64}$/.test(r.custom_id) && typeof r.params.max_tokens === 'number')) return { kind: 'json', status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message: 'bad request' } } };
      const id = `msgbatch_${(next += 1)}`;
      batches.set(id, { requests: requests.map((r) => ({ customId: r.custom_id, body: r.params })), ended: false, cancelled: false });
      return { kind: 'json', body: { id, type: 'message_batch', processing_status: 'in_progress', results_url: null } };
    }
    const match = /^\/v1\/messages\/batches\/([^/]+)(\/cancel|\/results)?$/.exec(path);
    const batch = batches.get(match?.[1] ?? '');
    if (match === null || batch === undefined) return { kind: 'json', status: 404, body: { type: 'error', error: { type: 'not_found_error', message: 'no batch' } } };
    if (match[2] === '/cancel') batch.cancelled = true;
    if (match[2] === '/results') {
      const lines = batch.requests.map((r) =>
        lastUserText(r.body as { messages?: Array<{ role: string; content: unknown }> }) === 'fail'
          ? { custom_id: r.customId, result: { type: 'errored', error: { type: 'error', error: { type: 'invalid_request_error', message: 'refused' } } } }
          : { custom_id: r.customId, result: { type: 'succeeded', message: { id: `msg-${r.customId}`, type: 'message', role: 'assistant', model: r.body.model, content: [{ type: 'text', text: `echo: ${lastUserText(r.body as { messages?: Array<{ role: string; content: unknown }> })}` }], stop_reason: 'end_turn', usage: { input_tokens: 10, output_tokens: 5 } } } },
      );
      return { kind: 'text', headers: { 'content-type': 'application/binary' }, body: lines.reverse().map((line) => JSON.stringify(line)).join('\n') };
    }
    const status = batch.ended ? 'ended' : batch.cancelled ? 'canceling' : 'in_progress';
    return { kind: 'json', body: { id: match[1], type: 'message_batch', processing_status: status, results_url: batch.ended ? `${origin}/v1/messages/batches/${match[1]}/results` : null } };
  };
  const upstream = await startFakeUpstream(handler);
  origin = upstream.url;
  return provider(upstream, batches, '/v1/messages', holding);
}
