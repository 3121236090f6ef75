import type { BatchCapability, BatchItem, BatchItemResult, BatchProgress } from '../../spec/batch-capability.js';
import type { CallOptions } from '../../spec/chat-model.js';
import type { GatewayErrorInfo } from '../../spec/gateway-error-info.js';
import { GatewayError, toGatewayError } from '../../errors/gateway-error.js';
import { parseUpstreamJson } from '../../http/safe-json.js';
import { sendBatchApiCall } from '../../http/send-batch-api-call.js';
import type { UpstreamPools } from '../../http/upstream-pools.js';
import { buildGeminiRequest, type BuildGeminiRequestOptions } from './build-gemini-request.js';
import { GEMINI_BATCH_ENDED, GRPC_CODES, geminiBatchListSchema, geminiBatchOperationSchema, type GeminiBatchOperation, type GeminiInlinedResponse } from './gemini-batch-wire.js';
import { mapGeminiError } from './gemini-error.js';
import { mapGeminiResponse } from './map-gemini-response.js';

/** Gemini's batch mode is billed at half the interactive price (Gemini API pricing, "Batch"). */
export const GEMINI_BATCH_PRICE_FACTOR = 0.5;
/**
 * Inline requests are limited by size (20 MB per batch), not by count; 500 chat requests stay
 * well under it unless each carries a large prompt.
 */
const MAX_INLINE_REQUESTS = 500;
/** Pages of `GET /batches` read when looking for a batch by its display name. */
const FIND_PAGES = 5;
const FIND_PAGE_SIZE = 100;

export interface GeminiBatchApiOptions {
  deploymentId: string;
  /** The configured model, for answers that name no `modelVersion`. */
  modelName: string;
  /** `…/v1beta`, without a trailing slash. */
  baseUrl: string;
  /** `…/v1beta/models/{model}`. */
  resourceUrl: string;
  request: BuildGeminiRequestOptions;
  headers: Record<string, string>;
  apiKey?: string;
  pools: UpstreamPools;
  now: () => number;
}

/**
 * Gemini's batch mode with inline requests: `POST models/{model}:batchGenerateContent` with
 * `requests[{request, metadata: {key}}]` answers an operation named `batches/…`; `GET` on that
 * name until its state has ended; the inlined responses map back by `metadata.key`.
 */
export class GeminiBatchApi implements BatchCapability {
  readonly priceFactor = GEMINI_BATCH_PRICE_FACTOR;
  readonly maxRequests = MAX_INLINE_REQUESTS;

  constructor(private readonly options: GeminiBatchApiOptions) {}

  async submit(items: readonly BatchItem[], options: CallOptions, label?: string): Promise<string> {
    const requests = items.map((item) => ({ request: buildGeminiRequest({ ...item.request, stream: false }, this.options.request), metadata: { key: item.customId } }));
    const body = { batch: { display_name: label ?? `switchyard-${this.options.now()}`, input_config: { requests: { requests } } } };
    const json = await this.call('POST', `${this.options.resourceUrl}:batchGenerateContent`, options, JSON.stringify(body));
    return this.operation(json).name;
  }

  async poll(providerBatchId: string, options: CallOptions): Promise<BatchProgress> {
    const operation = this.operation(await this.call('GET', this.batchUrl(providerBatchId), options));
    const state = operation.metadata?.state ?? operation.state ?? '';
    if (operation.done !== true && !GEMINI_BATCH_ENDED.has(state)) return { state: 'pending' };
    const inlined = (operation.response ?? operation.metadata?.output ?? operation.output)?.inlinedResponses?.inlinedResponses ?? [];
    const results = inlined.flatMap((item) => (item.metadata?.key === undefined ? [] : [this.mapItem(item.metadata.key, item)]));
    const error = this.batchError(operation, state);
    return error === undefined ? { state: 'ended', results } : { state: 'ended', results, error };
  }

  async cancel(providerBatchId: string, options: CallOptions): Promise<void> {
    await this.call('POST', `${this.batchUrl(providerBatchId)}:cancel`, options, '{}');
  }

  async find(label: string, options: CallOptions): Promise<string | undefined> {
    let pageToken: string | undefined;
    for (let page = 0; page < FIND_PAGES; page += 1) {
      const query = new URLSearchParams({ pageSize: String(FIND_PAGE_SIZE), ...(pageToken === undefined ? {} : { pageToken }) });
      const list = geminiBatchListSchema.safeParse(await this.call('GET', `${this.options.baseUrl}/batches?${query.toString()}`, options));
      if (!list.success) throw this.badBody('batch list', list.error);
      const match = [...(list.data.operations ?? []), ...(list.data.batches ?? [])].find((operation) => (operation.metadata?.displayName ?? operation.displayName) === label);
      if (match !== undefined) return match.name;
      pageToken = list.data.nextPageToken;
      if (pageToken === undefined || pageToken === '') return undefined;
    }
    return undefined;
  }

  private mapItem(customId: string, item: GeminiInlinedResponse): BatchItemResult {
    const { deploymentId, apiKey } = this.options;
    if (item.response !== undefined) {
      try {
        return { customId, ok: true, response: mapGeminiResponse(item.response, { model: this.options.modelName, deploymentId, now: this.options.now() }) };
      } catch (error) {
        // A blocked prompt or an answer without candidates fails that request only.
        return { customId, ok: false, error: toGatewayError(error).toInfo() };
      }
    }
    const [status, name] = GRPC_CODES[item.error?.code ?? 13] ?? [500, 'INTERNAL'];
    const body = JSON.stringify({ error: { code: status, message: item.error?.message ?? 'the batch request failed without a message', status: item.error?.status ?? name } });
    return { customId, ok: false, error: mapGeminiError({ status, headers: {}, body, deploymentId, ...(apiKey === undefined ? {} : { apiKey }) }).toInfo() };
  }

  /** What a request the batch said nothing about ended as. */
  private batchError(operation: GeminiBatchOperation, state: string): GatewayErrorInfo | undefined {
    if (state.endsWith('_EXPIRED')) return { code: 'total_timeout', message: 'The provider batch expired before this request ran.', outcome: 'timeout', status: 504 };
    if (state.endsWith('_CANCELLED')) return { code: 'client_closed', message: 'The batch was cancelled before this request ran.', outcome: 'network', status: 499 };
    if (operation.error === undefined && !state.endsWith('_FAILED')) return undefined;
    const [status, name] = GRPC_CODES[operation.error?.code ?? 13] ?? [500, 'INTERNAL'];
    const body = JSON.stringify({ error: { code: status, message: `Provider batch ${operation.name} failed: ${operation.error?.message ?? state}`, status: operation.error?.status ?? name } });
    return mapGeminiError({ status, headers: {}, body, deploymentId: this.options.deploymentId, ...(this.options.apiKey === undefined ? {} : { apiKey: this.options.apiKey }) }).toInfo();
  }

  /** `batches/abc` → `…/v1beta/batches/abc`; the id is Google's resource name, slash included. */
  private batchUrl(name: string): string {
    return `${this.options.baseUrl}/${name.split('/').map(encodeURIComponent).join('/')}`;
  }

  private operation(json: unknown): GeminiBatchOperation {
    const parsed = geminiBatchOperationSchema.safeParse(json);
    if (parsed.success) return parsed.data;
    throw this.badBody('batch operation', parsed.error);
  }

  private badBody(what: string, cause: unknown): GatewayError {
    return new GatewayError('upstream_bad_response', `${this.options.deploymentId}: unexpected ${what} body`, { deploymentId: this.options.deploymentId, cause });
  }

  private async call(method: 'GET' | 'POST', url: string, options: CallOptions, body?: string): Promise<unknown> {
    const headers = { ...this.options.headers, accept: 'application/json' };
    const response = await sendBatchApiCall(this.options.pools, { url, method, headers, ...(body === undefined ? {} : { body }), deploymentId: this.options.deploymentId }, options);
    const text = await response.text();
    if (response.status < 200 || response.status >= 300) {
      throw mapGeminiError({ status: response.status, headers: response.headers, body: text, deploymentId: this.options.deploymentId, ...(this.options.apiKey === undefined ? {} : { apiKey: this.options.apiKey }) });
    }
    return parseUpstreamJson(text, `${this.options.deploymentId}: batch API`);
  }
}
