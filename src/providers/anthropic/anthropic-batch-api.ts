import type { BatchCapability, BatchItem, BatchItemResult, BatchProgress } from '../../spec/batch-capability.js';
import type { CallOptions } from '../../spec/chat-model.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { parseUpstreamJson } from '../../http/safe-json.js';
import { sendBatchApiCall } from '../../http/send-batch-api-call.js';
import type { UpstreamPools } from '../../http/upstream-pools.js';
import { parseRetryAfter } from '../../http/retry-after.js';
import { mapAnthropicError, parseAnthropicErrorBody } from './anthropic-error.js';
import { anthropicBatchResultLineSchema, anthropicMessageBatchSchema } from './anthropic-batch-wire.js';
import { anthropicMessageSchema } from './anthropic-wire.js';
import { buildAnthropicRequest, JSON_RESPONSE_TOOL } from './build-anthropic-request.js';
import { mapAnthropicResponse } from './map-anthropic-response.js';

/** Message Batches are billed at half the Messages API's list price (Anthropic pricing, "Batch processing"). */
export const ANTHROPIC_BATCH_PRICE_FACTOR = 0.5;

export interface AnthropicBatchApiOptions {
  deploymentId: string;
  model: string;
  /** `…/v1`, without a trailing slash. */
  baseUrl: string;
  defaultMaxTokens: number;
  headers: Record<string, string>;
  apiKey?: string;
  pools: UpstreamPools;
}

/**
 * Anthropic's Message Batches API: `POST /messages/batches` with `requests[{custom_id, params}]`,
 * `GET /messages/batches/:id` until `processing_status` is `ended`, then the JSONL at
 * `results_url`, whose lines map back by `custom_id`.
 */
export class AnthropicBatchApi implements BatchCapability {
  readonly priceFactor = ANTHROPIC_BATCH_PRICE_FACTOR;
  /** Anthropic's limit per batch. */
  readonly maxRequests = 100_000;

  constructor(private readonly options: AnthropicBatchApiOptions) {}

  async submit(items: readonly BatchItem[], options: CallOptions): Promise<string> {
    const { model, defaultMaxTokens } = this.options;
    const requests = items.map((item) => ({ custom_id: item.customId, params: buildAnthropicRequest({ ...item.request, stream: false }, { model, defaultMaxTokens, stream: false }).body }));
    const json = await this.call('POST', `${this.options.baseUrl}/messages/batches`, options, JSON.stringify({ requests }));
    return this.batch(json).id;
  }

  async poll(providerBatchId: string, options: CallOptions): Promise<BatchProgress> {
    const batch = this.batch(await this.call('GET', `${this.options.baseUrl}/messages/batches/${encodeURIComponent(providerBatchId)}`, options));
    if (batch.processing_status !== 'ended') return { state: 'pending' };
    const url = batch.results_url ?? `${this.options.baseUrl}/messages/batches/${encodeURIComponent(providerBatchId)}/results`;
    const text = await this.text('GET', url, options);
    const results = text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => this.mapLine(line));
    return { state: 'ended', results };
  }

  async cancel(providerBatchId: string, options: CallOptions): Promise<void> {
    await this.call('POST', `${this.options.baseUrl}/messages/batches/${encodeURIComponent(providerBatchId)}/cancel`, options);
  }

  private mapLine(text: string): BatchItemResult {
    const { deploymentId } = this.options;
    const parsed = anthropicBatchResultLineSchema.safeParse(parseUpstreamJson(text, `${deploymentId}: batch result line`));
    if (!parsed.success) throw new GatewayError('upstream_bad_response', `${deploymentId}: unexpected batch result line`, { deploymentId, cause: parsed.error });
    const { custom_id: customId, result } = parsed.data;
    switch (result.type) {
      case 'succeeded': {
        // Whether the JSON response tool was used shows in the answer itself: after a restart the request is gone.
        const message = anthropicMessageSchema.safeParse(result.message);
        const jsonResponseTool = message.success && message.data.content.some((block) => block.type === 'tool_use' && block.name === JSON_RESPONSE_TOOL);
        return { customId, ok: true, response: mapAnthropicResponse(result.message, { jsonResponseTool, deploymentId, created: Math.floor(Date.now() / 1000) }) };
      }
      case 'errored': {
        const detail = result.error?.error ?? undefined;
        const error = mapAnthropicError({ deploymentId, ...(detail === undefined ? {} : { detail }), ...(this.options.apiKey === undefined ? {} : { apiKey: this.options.apiKey }) });
        return { customId, ok: false, error: error.toInfo() };
      }
      case 'expired':
        return { customId, ok: false, error: { code: 'total_timeout', message: 'The provider batch expired before this request ran.', outcome: 'timeout', status: 504 } };
      default:
        // `canceled`, or a result type newer than this adapter.
        return { customId, ok: false, error: { code: 'client_closed', message: `The batch request ended as '${result.type}' before it ran.`, outcome: 'network', status: 499 } };
    }
  }

  private batch(json: unknown): { id: string; processing_status: string; results_url?: string | null | undefined } {
    const parsed = anthropicMessageBatchSchema.safeParse(json);
    if (parsed.success) return parsed.data;
    throw new GatewayError('upstream_bad_response', `${this.options.deploymentId}: unexpected message batch body`, { deploymentId: this.options.deploymentId, cause: parsed.error });
  }

  private async call(method: 'GET' | 'POST', url: string, options: CallOptions, body?: string): Promise<unknown> {
    return parseUpstreamJson(await this.text(method, url, options, body), `${this.options.deploymentId}: message batches API`);
  }

  private async text(method: 'GET' | 'POST', url: string, options: CallOptions, body?: string): Promise<string> {
    const response = await sendBatchApiCall(this.options.pools, { url, method, headers: this.options.headers, ...(body === undefined ? {} : { body }), deploymentId: this.options.deploymentId }, options);
    const text = await response.text();
    if (response.status >= 200 && response.status < 300) return text;
    throw mapAnthropicError({
      status: response.status,
      detail: parseAnthropicErrorBody(text),
      rawBody: text,
      retryAfterMs: parseRetryAfter(response.headers),
      deploymentId: this.options.deploymentId,
      apiKey: this.options.apiKey,
    });
  }
}
