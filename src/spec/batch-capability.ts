import type { CallOptions } from './chat-model.js';
import type { ChatRequest } from './chat-request.js';
import type { ChatResponse } from './chat-response.js';
import type { GatewayErrorInfo } from './gateway-error-info.js';

/** One request of a provider batch; `customId` is the adapter's key for mapping results back. */
export interface BatchItem {
  customId: string;
  request: ChatRequest;
}

/** How one request of a provider batch ended. */
export type BatchItemResult = { customId: string; ok: true; response: ChatResponse } | { customId: string; ok: false; error: GatewayErrorInfo };

/**
 * Where a provider batch stands. `ended` carries a result for every request the provider
 * reported on; a request it said nothing about has no result, and `error` (when the batch as a
 * whole failed, e.g. refused while validating) says why.
 */
export type BatchProgress = { state: 'pending' } | { state: 'ended'; results: BatchItemResult[]; error?: GatewayErrorInfo };

/**
 * A provider's own asynchronous batch API (OpenAI's Batch API, Anthropic's Message Batches,
 * Gemini's batch mode), offered by adapters whose provider has one. Work sent this way is billed
 * at `priceFactor` times the list price, in exchange for answers within the provider's window
 * instead of now.
 */
export interface BatchCapability {
  /** Price multiplier of batch work against the list price (0.5: half price). */
  readonly priceFactor: number;
  /** Most requests in one provider batch. */
  readonly maxRequests: number;
  /**
   * Sends the requests as one provider batch; resolves with the provider's batch id. `label`
   * (unique per batch) is written where the provider keeps caller data (metadata, display name),
   * so that `find` can recognise the batch later.
   */
  submit(items: readonly BatchItem[], options: CallOptions, label?: string): Promise<string>;
  /**
   * Looks through the provider's recent batches (a bounded number of pages) for one submitted
   * with `label`; its id, or undefined. Absent where the provider keeps no caller data on a batch.
   * Lets a restart adopt a batch the provider accepted before its id could be recorded.
   */
  find?(label: string, options: CallOptions): Promise<string | undefined>;
  /** Asks once how the batch stands; when it has ended, fetches and maps every result. */
  poll(providerBatchId: string, options: CallOptions): Promise<BatchProgress>;
  /** Asks the provider to stop the batch; requests it had not run end as cancelled. */
  cancel(providerBatchId: string, options: CallOptions): Promise<void>;
}
