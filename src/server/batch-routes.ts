import { z } from 'zod';
import { GatewayError } from '../errors/gateway-error.js';
import { BATCH_ENDPOINTS, type BatchRecord, type BatchRunner, type FileRecord } from '../engine/batch/index.js';
import type { EndpointHandler, Exchange } from './exchange.js';
import { parseMultipartForm } from './parse-multipart-form.js';
import { readJsonBody } from './read-json-body.js';
import { readRawBody } from './read-raw-body.js';
import { HEADER } from './response-headers.js';
import { sendJson } from './send-response.js';
import { zodIssueToError } from './zod-issue-to-error.js';

type Routes = Record<string, Partial<Record<string, EndpointHandler>>>;

const createBatchSchema = z.strictObject({
  input_file_id: z.string().min(1),
  endpoint: z.enum(BATCH_ENDPOINTS, { error: `must be one of ${BATCH_ENDPOINTS.join(', ')}` }),
  completion_window: z.literal('24h', { error: "must be '24h'" }),
  metadata: z.record(z.string(), z.string()).optional(),
});

function fileBody(file: FileRecord): Record<string, unknown> {
  return { id: file.id, object: 'file', bytes: file.bytes, created_at: file.createdAt, filename: file.filename, purpose: file.purpose };
}

function batchBody(batch: BatchRecord): Record<string, unknown> {
  return {
    id: batch.id,
    object: 'batch',
    endpoint: batch.endpoint,
    errors: batch.errors === undefined ? null : { object: 'list', data: batch.errors.map((e) => ({ code: e.code, message: e.message, param: null, line: e.line ?? null })) },
    input_file_id: batch.inputFileId,
    completion_window: batch.completionWindow,
    status: batch.status,
    output_file_id: batch.outputFileId ?? null,
    error_file_id: batch.errorFileId ?? null,
    created_at: batch.createdAt,
    in_progress_at: batch.inProgressAt ?? null,
    expires_at: batch.createdAt + 24 * 3600,
    finalizing_at: batch.finalizingAt ?? null,
    completed_at: batch.completedAt ?? null,
    failed_at: batch.failedAt ?? null,
    expired_at: null,
    cancelling_at: batch.cancellingAt ?? null,
    cancelled_at: batch.cancelledAt ?? null,
    request_counts: { total: batch.total, completed: batch.completed, failed: batch.failed },
    metadata: batch.metadata ?? null,
  };
}

function caller(exchange: Exchange): { keyId: string } | undefined {
  return exchange.context.principal;
}

/** `/v1/files/<id>` or `/v1/files/<id>/content` → the id and whether content is asked for. */
function filePath(path: string): { id: string; content: boolean } {
  const rest = path.slice('/v1/files/'.length).split('/');
  const id = rest[0] ?? '';
  if (id === '' || rest.length > 2 || (rest.length === 2 && rest[1] !== 'content')) throw new GatewayError('not_found', `No endpoint ${path}.`);
  return { id, content: rest.length === 2 };
}

/**
 * OpenAI's Files and Batch endpoints over a `BatchRunner`: upload a JSONL of requests
 * (multipart with `purpose` and `file`, or the raw JSONL body with `?purpose=batch`), create,
 * read, list and cancel batches, and download the output and error files.
 */
export function batchRoutes(runner: BatchRunner, options: { maxFileBytes?: number } = {}): Routes {
  const maxFileBytes = options.maxFileBytes ?? 100 * 1024 * 1024;
  const upload: EndpointHandler = async (exchange) => {
    const contentType = exchange.req.headers['content-type'] ?? '';
    const body = await readRawBody(exchange.req, maxFileBytes);
    let purpose = new URL(exchange.req.url ?? '/', 'http://x').searchParams.get('purpose') ?? 'batch';
    let filename = 'upload.jsonl';
    let content = body;
    if (/^multipart\/form-data/i.test(contentType)) {
      const parts = parseMultipartForm(body, contentType);
      const file = parts.find((part) => part.name === 'file');
      if (file === undefined) throw new GatewayError('invalid_request', "The multipart form has no 'file' field.", { param: 'file' });
      const purposePart = parts.find((part) => part.name === 'purpose');
      if (purposePart === undefined) throw new GatewayError('invalid_request', "The multipart form has no 'purpose' field.", { param: 'purpose' });
      purpose = purposePart.data.toString('utf8').trim();
      filename = file.filename ?? filename;
      content = file.data;
    }
    if (purpose !== 'batch') throw new GatewayError('invalid_request', `Only purpose 'batch' is supported; got '${purpose}'.`, { param: 'purpose' });
    if (content.length === 0) throw new GatewayError('invalid_request', 'The file is empty.', { param: 'file' });
    const owner = caller(exchange);
    sendJson(exchange, 200, fileBody(runner.uploadFile(content, { purpose, filename, ...(owner === undefined ? {} : { owner }) })));
  };
  const fileRoute: EndpointHandler = async (exchange) => {
    const { id, content } = filePath(exchange.path);
    if (!content) {
      sendJson(exchange, 200, fileBody(runner.getFile(id, caller(exchange))));
      return;
    }
    const data = runner.fileContent(id, caller(exchange));
    exchange.status = 200;
    exchange.res.writeHead(200, { 'content-type': 'application/jsonl', 'content-length': data.length, [HEADER.requestId]: exchange.requestId });
    exchange.res.end(data);
  };
  const createBatch: EndpointHandler = async (exchange) => {
    const parsed = createBatchSchema.safeParse(await readJsonBody(exchange.req, 1024 * 1024));
    if (!parsed.success) throw zodIssueToError(parsed.error);
    const principal = exchange.context.principal;
    const owner: BatchRecord['owner'] = principal === undefined ? undefined : { keyId: principal.keyId };
    if (owner !== undefined && principal?.team !== undefined) owner.team = principal.team;
    if (owner !== undefined && principal?.owner !== undefined) owner.owner = principal.owner;
    if (owner !== undefined && principal?.allowedModels !== undefined) owner.allowedModels = principal.allowedModels;
    const input: Parameters<BatchRunner['create']>[0] = { inputFileId: parsed.data.input_file_id, endpoint: parsed.data.endpoint, completionWindow: parsed.data.completion_window };
    if (parsed.data.metadata !== undefined) input.metadata = parsed.data.metadata;
    if (owner !== undefined) input.owner = owner;
    sendJson(exchange, 200, batchBody(runner.create(input)));
  };
  const listBatches: EndpointHandler = async (exchange) => {
    const limitText = new URL(exchange.req.url ?? '/', 'http://x').searchParams.get('limit');
    const limit = limitText === null ? 20 : Math.min(100, Math.max(1, Number.parseInt(limitText, 10) || 20));
    const data = runner.listBatches(caller(exchange), limit).map(batchBody);
    sendJson(exchange, 200, { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: false });
  };
  const batchRoute = (method: 'GET' | 'POST'): EndpointHandler => async (exchange) => {
    const rest = exchange.path.slice('/v1/batches/'.length).split('/');
    const id = rest[0] ?? '';
    if (method === 'GET' && rest.length === 1) return sendJson(exchange, 200, batchBody(runner.getBatch(id, caller(exchange))));
    if (method === 'POST' && rest.length === 2 && rest[1] === 'cancel') return sendJson(exchange, 200, batchBody(runner.cancel(id, caller(exchange))));
    throw new GatewayError('not_found', `No endpoint ${method} ${exchange.path}.`);
  };
  return {
    '/v1/files': { POST: upload },
    '/v1/files/*': { GET: fileRoute },
    '/v1/batches': { POST: createBatch, GET: listBatches },
    '/v1/batches/*': { GET: batchRoute('GET'), POST: batchRoute('POST') },
  };
}
