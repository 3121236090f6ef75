import { parseMultipartForm } from '../../src/server/parse-multipart-form.js';
import { startFakeUpstream, type FakeReply, type FakeUpstream, type SeenRequest } from './fake-upstream.js';

/** The last user message's text of a chat body (OpenAI, Anthropic or Gemini shape). */
function lastUserText(body: { messages?: Array<{ role: string; content: unknown }>; contents?: Array<{ role?: string; parts?: Array<{ text?: string }> }> }): string {
  if (body.contents !== undefined) {
    const turn = [...body.contents].reverse().find((content) => content.role === 'user');
    return (turn?.parts ?? []).map((part) => part.text ?? '').join('');
  }
  const last = [...(body.messages ?? [])].reverse().find((message) => message.role === 'user');
  if (typeof last?.content === 'string') return last.content;
  if (Array.isArray(last?.content)) return (last.content as Array<{ text?: string }>).map((part) => part.text ?? '').join('');
  return '';
}

/**
 * A provider batch API with the clock in the test's hands: a batch stays `in_progress` until
 * `finish()` and then answers every request with `echo: <question>` (10 input, 5 output
 * tokens); a question `fail` gets an invalid-request error instead, and `busy` a retryable one
 * (rate limit or overload). The synchronous chat endpoint answers `echo: <question>` too.
 */
export interface FakeBatchProvider {
  upstream: FakeUpstream;
  /** Batches created, by id, with the custom ids and bodies they carried. */
  batches: Map<string, { requests: Array<{ customId: string; body: Record<string, unknown> }>; ended: boolean; cancelled: boolean; label?: string }>;
  /** Ends every batch created so far. */
  finish(): void;
  /**
   * While on, a create-batch call is never answered (the caller dies waiting); it creates
   * nothing, or with `accept` the batch is created all the same (the answer is lost on the way).
   */
  holdCreates(on: boolean, options?: { accept?: boolean }): void;
  /** While on, calls to the synchronous chat endpoint wait; `releaseDirect` answers them. */
  holdDirect(on: boolean): void;
  /** Answers the chat calls held so far; resolves with how many there were. */
  releaseDirect(): number;
  /** Chat calls waiting now. */
  heldDirect(): number;
  /** Create-batch calls left unanswered so far. */
  heldCreates(): number;
  /** Calls that went to the synchronous chat endpoint (must stay zero for batched lines). */
  directCalls(): SeenRequest[];
  close(): Promise<void>;
}

/** Whether create calls are held, and how many were; shared by a fake's handler and its controls. */
interface Holding {
  on: boolean;
  accept: boolean;
  count: number;
  direct: boolean;
  parked: Array<() => void>;
}

function newHolding(): Holding {
  return { on: false, accept: false, count: 0, direct: false, parked: [] };
}

/** Whether a create call is held; counted when it is. */
function held(holding: Holding): boolean {
  if (!holding.on) return false;
  holding.count += 1;
  return true;
}

/** A chat answer, at once or once released. */
function direct(holding: Holding, reply: FakeReply): FakeReply | Promise<FakeReply> {
  if (!holding.direct) return reply;
  return new Promise((resolve) => holding.parked.push(() => resolve(reply)));
}

function provider(upstream: FakeUpstream, batches: FakeBatchProvider['batches'], directPath: RegExp, holding: Holding): FakeBatchProvider {
  return {
    upstream,
    batches,
    holdCreates: (on, options) => {
      holding.on = on;
      holding.accept = options?.accept === true;
    },
    heldCreates: () => holding.count,
    holdDirect: (on) => void (holding.direct = on),
    releaseDirect: () => holding.parked.splice(0).map((release) => release()).length,
    heldDirect: () => holding.parked.length,
    finish: () => {
      for (const batch of batches.values()) batch.ended = true;
    },
    directCalls: () => upstream.requests.filter((request) => directPath.test(request.path)),
    close: () => upstream.close(),
  };
}

/** OpenAI's Files and Batch API (`/v1/files`, `/v1/batches`), with output and error files. */
export async function startFakeOpenAIBatch(): Promise<FakeBatchProvider> {
  const files = new Map<string, string>();
  const batches: FakeBatchProvider['batches'] = new Map();
  const holding = newHolding();
  let next = 0;
  const handler = (request: SeenRequest): FakeReply | Promise<FakeReply> => {
    const path = request.path;
    if (request.method === 'POST' && path === '/v1/files') {
      const parts = parseMultipartForm(Buffer.from(request.body), String(request.headers['content-type']));
      if (parts.find((part) => part.name === 'purpose')?.data.toString() !== 'batch') return { kind: 'json', status: 400, body: { error: { message: 'purpose must be batch', type: 'invalid_request_error' } } };
      const id = `file-${(next += 1)}`;
      files.set(id, parts.find((part) => part.name === 'file')?.data.toString('utf8') ?? '');
      return { kind: 'json', body: { id, object: 'file', purpose: 'batch' } };
    }
    if (request.method === 'POST' && path === '/v1/chat/completions') {
      const body = request.json as Record<string, unknown>;
      return direct(holding, { kind: 'json', body: { id: 'direct', object: 'chat.completion', created: 1, model: body.model, choices: [{ index: 0, message: { role: 'assistant', content: `echo: ${lastUserText(body)}` }, finish_reason: 'stop' }], usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } } });
    }
    const list = /^\/v1\/batches\?(.*)$/.exec(path);
    if (request.method === 'GET' && list !== null) {
      const query = new URLSearchParams(list[1]);
      const newestFirst = [...batches.entries()].reverse();
      const after = query.get('after');
      const from = after === null ? 0 : newestFirst.findIndex(([id]) => id === after) + 1;
      const page = newestFirst.slice(from, from + Number(query.get('limit') ?? 20));
      const data = page.map(([id, batch]) => ({ id, object: 'batch', status: batch.ended ? 'completed' : 'in_progress', metadata: batch.label === undefined ? null : { switchyard_group: batch.label } }));
      return { kind: 'json', body: { object: 'list', data, has_more: from + page.length < newestFirst.length, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null } };
    }
    if (request.method === 'POST' && path === '/v1/batches') {
      const holdThis = held(holding);
      if (holdThis && !holding.accept) return { kind: 'stall' };
      const { input_file_id: inputFileId, endpoint, completion_window: window } = request.json as Record<string, string>;
      const { metadata } = request.json as { metadata?: Record<string, string> };
      if (endpoint !== '/v1/chat/completions' || window !== '24h' || !files.has(inputFileId ?? '')) return { kind: 'json', status: 400, body: { error: { message: 'bad batch', type: 'invalid_request_error' } } };
      const lines = (files.get(inputFileId ?? '') ?? '').trim().split('\n').map((line) => JSON.parse(line) as { custom_id: string; method: string; url: string; body: Record<string, unknown> });
      if (lines.some((line) => line.method !== 'POST' || line.url !== '/v1/chat/completions')) return { kind: 'json', status: 400, body: { error: { message: 'bad line', type: 'invalid_request_error' } } };
      const id = `batch_${(next += 1)}`;
      const label = metadata?.switchyard_group;
      batches.set(id, { requests: lines.map((line) => ({ customId: line.custom_id, body: line.body })), ended: false, cancelled: false, ...(label === undefined ? {} : { label }) });
      if (holdThis) return { kind: 'stall' };
      return { kind: 'json', body: { id, object: 'batch', status: 'validating', metadata: metadata ?? null } };
    }
    const batchMatch = /^\/v1\/batches\/([^/]+)(\/cancel)?$/.exec(path);
    if (batchMatch !== null) {
      const batch = batches.get(batchMatch[1] ?? '');
      if (batch === undefined) return { kind: 'json', status: 404, body: { error: { message: 'no batch', type: 'invalid_request_error' } } };
      if (batchMatch[2] !== undefined) batch.cancelled = true;
      if (!batch.ended) return { kind: 'json', body: { id: batchMatch[1], status: batch.cancelled ? 'cancelling' : 'in_progress' } };
      const ok = batch.requests.filter((r) => lastUserText(r.body) !== 'fail' && lastUserText(r.body) !== 'busy');
      const failed = batch.requests.filter((r) => lastUserText(r.body) === 'fail' || lastUserText(r.body) === 'busy');
      const outputId = `file-out-${batchMatch[1]}`;
      const errorId = `file-err-${batchMatch[1]}`;
      files.set(outputId, ok.map((r) => JSON.stringify({ id: `br-${r.customId}`, custom_id: r.customId, response: { status_code: 200, request_id: 'x', body: { id: `c-${r.customId}`, object: 'chat.completion', created: 1, model: r.body.model, choices: [{ index: 0, message: { role: 'assistant', content: `echo: ${lastUserText(r.body)}` }, finish_reason: 'stop' }], usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } } }, error: null })).join('\n'));
      const refusal = (r: { body: Record<string, unknown> }) =>
        lastUserText(r.body) === 'busy' ? { status_code: 429, request_id: 'y', body: { error: { message: 'slow down', type: 'rate_limit_error', code: null } } } : { status_code: 400, request_id: 'y', body: { error: { message: 'refused', type: 'invalid_request_error', code: null } } };
      files.set(errorId, failed.map((r) => JSON.stringify({ id: `br-${r.customId}`, custom_id: r.customId, response: refusal(r), error: null })).join('\n'));
      return { kind: 'json', body: { id: batchMatch[1], status: 'completed', output_file_id: ok.length > 0 ? outputId : null, error_file_id: failed.length > 0 ? errorId : null } };
    }
    const content = /^\/v1\/files\/([^/]+)\/content$/.exec(path);
    if (content !== null && files.has(content[1] ?? '')) return { kind: 'text', headers: { 'content-type': 'application/jsonl' }, body: files.get(content[1] ?? '') ?? '' };
    return { kind: 'json', status: 404, body: { error: { message: `no route ${request.method} ${path}`, type: 'invalid_request_error' } } };
  };
  return provider(await startFakeUpstream(handler), batches, /^\/v1\/chat\/completions$/, holding);
}

/** Anthropic's Message Batches API (`/v1/messages/batches`), results as JSONL at `results_url`. */
export async function startFakeAnthropicBatch(): Promise<FakeBatchProvider> {
  const batches: FakeBatchProvider['batches'] = new Map();
  const holding = newHolding();
  let next = 0;
  let origin = '';
  const handler = (request: SeenRequest): FakeReply | Promise<FakeReply> => {
    const path = request.path;
    if (request.headers['x-api-key'] !== 'ant-key' || request.headers['anthropic-version'] === undefined) return { kind: 'json', status: 401, body: { type: 'error', error: { type: 'authentication_error', message: 'bad key' } } };
    if (request.method === 'POST' && path === '/v1/messages') {
      const body = request.json as Record<string, unknown> & { messages?: Array<{ role: string; content: unknown }> };
      return direct(holding, { kind: 'json', body: { id: 'msg-direct', type: 'message', role: 'assistant', model: body.model, content: [{ type: 'text', text: `echo: ${lastUserText(body)}` }], stop_reason: 'end_turn', usage: { input_tokens: 10, output_tokens: 5 } } });
    }
    if (request.method === 'POST' && path === '/v1/messages/batches') {
      const holdThis = held(holding);
      if (holdThis && !holding.accept) return { kind: 'stall' };
      const { requests } = request.json as { requests: Array<{ custom_id: string; params: Record<string, unknown> }> };
      if (!requests.every((r) => /^[a-zA-Z0-9_-]{1,64}$/.test(r.custom_id) && typeof r.params.max_tokens === 'number')) return { kind: 'json', status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message: 'bad request' } } };
      const id = `msgbatch_${(next += 1)}`;
      batches.set(id, { requests: requests.map((r) => ({ customId: r.custom_id, body: r.params })), ended: false, cancelled: false });
      if (holdThis) return { kind: 'stall' };
      return { kind: 'json', body: { id, type: 'message_batch', processing_status: 'in_progress', results_url: null } };
    }
    const match = /^\/v1\/messages\/batches\/([^/]+)(\/cancel|\/results)?$/.exec(path);
    const batch = batches.get(match?.[1] ?? '');
    if (match === null || batch === undefined) return { kind: 'json', status: 404, body: { type: 'error', error: { type: 'not_found_error', message: 'no batch' } } };
    if (match[2] === '/cancel') batch.cancelled = true;
    if (match[2] === '/results') {
      const failure = { fail: { type: 'invalid_request_error', message: 'refused' }, busy: { type: 'overloaded_error', message: 'busy' } } as Record<string, { type: string; message: string } | undefined>;
      const lines = batch.requests.map((r) =>
        failure[lastUserText(r.body)] !== undefined
          ? { custom_id: r.customId, result: { type: 'errored', error: { type: 'error', error: failure[lastUserText(r.body)] } } }
          : { custom_id: r.customId, result: { type: 'succeeded', message: { id: `msg-${r.customId}`, type: 'message', role: 'assistant', model: r.body.model, content: [{ type: 'text', text: `echo: ${lastUserText(r.body as { messages?: Array<{ role: string; content: unknown }> })}` }], stop_reason: 'end_turn', usage: { input_tokens: 10, output_tokens: 5 } } } },
      );
      return { kind: 'text', headers: { 'content-type': 'application/binary' }, body: lines.reverse().map((line) => JSON.stringify(line)).join('\n') };
    }
    const status = batch.ended ? 'ended' : batch.cancelled ? 'canceling' : 'in_progress';
    return { kind: 'json', body: { id: match[1], type: 'message_batch', processing_status: status, results_url: batch.ended ? `${origin}/v1/messages/batches/${match[1]}/results` : null } };
  };
  const upstream = await startFakeUpstream(handler);
  origin = upstream.url;
  return provider(upstream, batches, /^\/v1\/messages$/, holding);
}

/**
 * Gemini's batch mode (`models/{model}:batchGenerateContent` with inline requests, operations
 * under `/v1beta/batches/…`). Created batches report `BATCH_STATE_PENDING`, polls report
 * `JOB_STATE_RUNNING` until `finish()` and then `JOB_STATE_SUCCEEDED` with inlined responses.
 */
export async function startFakeGeminiBatch(): Promise<FakeBatchProvider> {
  const batches: FakeBatchProvider['batches'] = new Map();
  const holding = newHolding();
  let next = 0;
  const answer = (body: Record<string, unknown>) => ({
    candidates: [{ content: { role: 'model', parts: [{ text: `echo: ${lastUserText(body)}` }] }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 },
    modelVersion: 'gemini-2.5-flash',
  });
  const operation = (id: string) => {
    const batch = batches.get(id);
    const state = batch?.ended === true ? 'JOB_STATE_SUCCEEDED' : 'JOB_STATE_RUNNING';
    const metadata = { '@type': 'type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch', name: id, displayName: batch?.label, state };
    if (batch?.ended !== true) return { name: id, metadata, done: false };
    const failures: Record<string, { code: number; message: string; status: string }> = { fail: { code: 3, message: 'refused', status: 'INVALID_ARGUMENT' }, busy: { code: 8, message: 'quota', status: 'RESOURCE_EXHAUSTED' } };
    const inlinedResponses = batch.requests.map((r) => {
      const failure = failures[lastUserText(r.body)];
      return failure === undefined ? { response: answer(r.body), metadata: { key: r.customId } } : { error: failure, metadata: { key: r.customId } };
    });
    return { name: id, metadata, done: true, response: { '@type': 'type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatchOutput', inlinedResponses: { inlinedResponses } } };
  };
  const handler = (request: SeenRequest): FakeReply | Promise<FakeReply> => {
    const path = request.path;
    if (request.headers['x-goog-api-key'] !== 'g-key') return { kind: 'json', status: 403, body: { error: { code: 403, message: 'bad key', status: 'PERMISSION_DENIED' } } };
    if (request.method === 'POST' && /^\/v1beta\/models\/[^/:]+:generateContent$/.test(path)) return direct(holding, { kind: 'json', body: answer(request.json as Record<string, unknown>) });
    if (request.method === 'POST' && /^\/v1beta\/models\/[^/:]+:batchGenerateContent$/.test(path)) {
      const holdThis = held(holding);
      if (holdThis && !holding.accept) return { kind: 'stall' };
      const { batch } = request.json as { batch?: { display_name?: string; input_config?: { requests?: { requests?: Array<{ request: Record<string, unknown>; metadata?: { key?: string } }> } } } };
      const requests = batch?.input_config?.requests?.requests ?? [];
      if (batch?.display_name === undefined || requests.length === 0 || requests.some((r) => r.metadata?.key === undefined || !Array.isArray(r.request.contents))) {
        return { kind: 'json', status: 400, body: { error: { code: 400, message: 'bad batch', status: 'INVALID_ARGUMENT' } } };
      }
      const id = `batches/b${(next += 1)}`;
      batches.set(id, { requests: requests.map((r) => ({ customId: r.metadata?.key ?? '', body: r.request })), ended: false, cancelled: false, label: batch.display_name });
      if (holdThis) return { kind: 'stall' };
      return { kind: 'json', body: { name: id, metadata: { displayName: batch.display_name, state: 'BATCH_STATE_PENDING' } } };
    }
    const list = /^\/v1beta\/batches\?(.*)$/.exec(path);
    if (request.method === 'GET' && list !== null) {
      const query = new URLSearchParams(list[1]);
      const ids = [...batches.keys()].reverse();
      const from = Number(query.get('pageToken') ?? 0);
      const size = Number(query.get('pageSize') ?? 10);
      const nextPageToken = from + size < ids.length ? String(from + size) : undefined;
      return { kind: 'json', body: { operations: ids.slice(from, from + size).map(operation), ...(nextPageToken === undefined ? {} : { nextPageToken }) } };
    }
    const match = /^\/v1beta\/(batches\/[^/:]+)(:cancel)?$/.exec(path);
    const batch = batches.get(match?.[1] ?? '');
    if (match === null || batch === undefined) return { kind: 'json', status: 404, body: { error: { code: 404, message: `no route ${request.method} ${path}`, status: 'NOT_FOUND' } } };
    if (match[2] === ':cancel') {
      batch.cancelled = true;
      return { kind: 'json', body: {} };
    }
    return { kind: 'json', body: operation(match[1] ?? '') };
  };
  return provider(await startFakeUpstream(handler), batches, /:generateContent$/, holding);
}
