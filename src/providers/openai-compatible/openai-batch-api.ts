import { randomUUID } from 'node:crypto';
import type { ZodType } from 'zod';
import type { BatchCapability, BatchItem, BatchItemResult, BatchProgress } from '../../spec/batch-capability.js';
import type { CallOptions } from '../../spec/chat-model.js';
import type { GatewayErrorInfo } from '../../spec/gateway-error-info.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { parseUpstreamJson } from '../../http/safe-json.js';
import { sendBatchApiCall } from '../../http/send-batch-api-call.js';
import type { UpstreamResponse } from '../../http/upstream-request.js';
import type { UpstreamPools } from '../../http/upstream-pools.js';
import { convertToOpenAIRequest } from './convert-to-openai-request.js';
import { mapOpenAIError, type OpenAIErrorContext } from './map-openai-error.js';
import { mapOpenAIResponse } from './map-openai-response.js';
import { OPENAI_BATCH_LABEL_KEY, OPENAI_BATCH_RUNNING, openAIBatchListSchema, openAIBatchOutputLineSchema, openAIBatchSchema, openAIFileSchema, type OpenAIBatch } from './openai-batch-wire.js';
import type { OpenAICompatibleConfig } from './openai-compatible-config.js';
import { openAIChatResponseSchema } from './openai-wire.js';

/** Pages of `GET /batches` read when looking for a batch by its label. */
const FIND_PAGES = 5;
const FIND_PAGE_SIZE = 100;

/** Line-level error codes OpenAI writes for requests a batch never ran. */
const UNRUN: Record<string, GatewayErrorInfo> = {
  batch_expired: { code: 'total_timeout', message: 'The provider batch expired before this request ran.', outcome: 'timeout', status: 504 },
  batch_cancelled: { code: 'client_closed', message: 'The batch was cancelled before this request ran.', outcome: 'network', status: 499 },
};

/**
 * OpenAI's Batch API for chat completions: the requests go up as a JSONL file (`POST /files`,
 * purpose `batch`), `POST /batches` starts them with a 24 h window, `GET /batches/:id` tells
 * how far it got, and the output and error files map back to requests by `custom_id`.
 */
export class OpenAIBatchApi implements BatchCapability {
  readonly priceFactor: number;
  /** OpenAI's limit per batch file. */
  readonly maxRequests = 50_000;
  private readonly base: string;
  private readonly errorContext: OpenAIErrorContext;

  constructor(
    private readonly config: OpenAICompatibleConfig & { batch: { priceFactor: number } },
    private readonly pools: UpstreamPools,
    private readonly headers: Record<string, string>,
  ) {
    this.priceFactor = config.batch.priceFactor;
    this.base = config.baseUrl.replace(/\/+$/, '');
    this.errorContext = { deploymentId: config.deploymentId, ...(config.apiKey !== undefined ? { apiKey: config.apiKey } : {}) };
  }

  async submit(items: readonly BatchItem[], options: CallOptions, label?: string): Promise<string> {
    const jsonl = items
      .map((item) => {
        const body = convertToOpenAIRequest({ ...item.request, stream: false }, { model: this.config.model, stream: false, quirks: this.config.quirks });
        return `${JSON.stringify({ custom_id: item.customId, method: 'POST', url: '/v1/chat/completions', body })}\n`;
      })
      .join('');
    const boundary = `switchyard-${randomUUID()}`;
    const form =
      `--${boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nbatch\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="batch.jsonl"\r\nContent-Type: application/jsonl\r\n\r\n${jsonl}\r\n` +
      `--${boundary}--\r\n`;
    const file = await this.call('POST', '/files', options, form, `multipart/form-data; boundary=${boundary}`);
    const { id: inputFileId } = this.validate(file, openAIFileSchema, 'file');
    const batch = await this.call(
      'POST',
      '/batches',
      options,
      JSON.stringify({ input_file_id: inputFileId, endpoint: '/v1/chat/completions', completion_window: '24h', ...(label === undefined ? {} : { metadata: { [OPENAI_BATCH_LABEL_KEY]: label } }) }),
    );
    return this.validate(batch, openAIBatchSchema, 'batch').id;
  }

  async poll(providerBatchId: string, options: CallOptions): Promise<BatchProgress> {
    const batch = this.validate(await this.call('GET', `/batches/${encodeURIComponent(providerBatchId)}`, options), openAIBatchSchema, 'batch');
    if (OPENAI_BATCH_RUNNING.has(batch.status)) return { state: 'pending' };
    const results: BatchItemResult[] = [];
    for (const fileId of [batch.output_file_id, batch.error_file_id]) {
      if (fileId === undefined || fileId === null) continue;
      const text = await this.download(fileId, options);
      for (const line of text.split('\n')) if (line.trim() !== '') results.push(this.mapLine(line));
    }
    const error = batchError(batch);
    return error === undefined ? { state: 'ended', results } : { state: 'ended', results, error };
  }

  async find(label: string, options: CallOptions): Promise<string | undefined> {
    let after: string | undefined;
    for (let page = 0; page < FIND_PAGES; page += 1) {
      const query = new URLSearchParams({ limit: String(FIND_PAGE_SIZE), ...(after === undefined ? {} : { after }) });
      const list = this.validate(await this.call('GET', `/batches?${query.toString()}`, options), openAIBatchListSchema, 'batch list');
      const match = list.data.find((batch) => batch.metadata?.[OPENAI_BATCH_LABEL_KEY] === label);
      if (match !== undefined) return match.id;
      after = list.last_id ?? list.data.at(-1)?.id;
      if (list.has_more !== true || after === undefined) return undefined;
    }
    return undefined;
  }

  async cancel(providerBatchId: string, options: CallOptions): Promise<void> {
    await this.call('POST', `/batches/${encodeURIComponent(providerBatchId)}/cancel`, options, '{}');
  }

  private mapLine(text: string): BatchItemResult {
    const parsed = openAIBatchOutputLineSchema.safeParse(parseUpstreamJson(text, `${this.config.deploymentId}: batch output line`));
    if (!parsed.success) throw new GatewayError('upstream_bad_response', `${this.config.deploymentId}: unexpected batch output line`, { deploymentId: this.config.deploymentId, cause: parsed.error });
    const { custom_id: customId, response, error } = parsed.data;
    if (response !== undefined && response !== null) {
      if (response.status_code >= 200 && response.status_code < 300) {
        const body = openAIChatResponseSchema.safeParse(response.body);
        if (body.success) return { customId, ok: true, response: mapOpenAIResponse(body.data, this.config.model) };
        return { customId, ok: false, error: new GatewayError('upstream_bad_response', `${this.config.deploymentId}: unexpected chat completion body in a batch result`).toInfo() };
      }
      return { customId, ok: false, error: mapOpenAIError(response.status_code, {}, JSON.stringify(response.body ?? ''), this.errorContext).toInfo() };
    }
    const code = error?.code ?? '';
    const known = UNRUN[code];
    if (known !== undefined) return { customId, ok: false, error: known };
    return { customId, ok: false, error: new GatewayError('upstream_server_error', `${this.config.deploymentId}: batch request failed: ${error?.message ?? (code || 'no response')}`).toInfo() };
  }

  private async download(fileId: string, options: CallOptions): Promise<string> {
    const response = await this.send('GET', `/files/${encodeURIComponent(fileId)}/content`, options);
    const text = await response.text();
    if (response.status < 200 || response.status >= 300) throw mapOpenAIError(response.status, response.headers, text, this.errorContext);
    return text;
  }

  private async call(method: 'GET' | 'POST', path: string, options: CallOptions, body?: string, contentType?: string): Promise<unknown> {
    const response = await this.send(method, path, options, body, contentType);
    const text = await response.text();
    if (response.status < 200 || response.status >= 300) throw mapOpenAIError(response.status, response.headers, text, this.errorContext);
    return parseUpstreamJson(text, `${this.config.deploymentId}: batch API ${path}`);
  }

  private send(method: 'GET' | 'POST', path: string, options: CallOptions, body?: string, contentType?: string): Promise<UpstreamResponse> {
    const headers: Record<string, string> = { ...this.headers, accept: 'application/json' };
    if (contentType !== undefined) headers['content-type'] = contentType;
    return sendBatchApiCall(this.pools, { url: `${this.base}${path}`, method, headers, ...(body === undefined ? {} : { body }), deploymentId: this.config.deploymentId }, options);
  }

  private validate<T>(json: unknown, schema: ZodType<T>, what: string): T {
    const parsed = schema.safeParse(json);
    if (parsed.success) return parsed.data;
    throw new GatewayError('upstream_bad_response', `${this.config.deploymentId}: unexpected ${what} body`, { deploymentId: this.config.deploymentId, cause: parsed.error });
  }
}

/** Why a batch that ended without running (refused while validating) did so. */
function batchError(batch: OpenAIBatch): GatewayErrorInfo | undefined {
  if (batch.status !== 'failed') return undefined;
  const first = batch.errors?.data?.[0];
  const message = first?.message ?? first?.code ?? 'the provider refused the batch';
  return new GatewayError('upstream_invalid_request', `Provider batch ${batch.id} failed: ${message}`).toInfo();
}

