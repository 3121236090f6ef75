import type { BatchCapability } from './batch-capability.js';
import type { ChatRequest } from './chat-request.js';
import type { ChatResponse } from './chat-response.js';
import type { EmbeddingRequest, EmbeddingResponse } from './embedding.js';
import type { StreamPart } from './stream-part.js';

/**
 * One deployment made callable: what every provider adapter implements. Adapters throw typed
 * errors (src/errors) carrying an outcome class; they know nothing about routing.
 */
export interface ChatModel {
  readonly deploymentId: string;
  readonly provider: string;
  complete(request: ChatRequest, options: CallOptions): Promise<ChatResponse>;
  /** Yields typed parts; throws a typed error on failure, before or after the first part. */
  stream(request: ChatRequest, options: CallOptions): AsyncIterable<StreamPart>;
  embed?(request: EmbeddingRequest, options: CallOptions): Promise<EmbeddingResponse>;
  /** The provider's own batch API, where it has one (offline batch jobs at a discount). */
  readonly batch?: BatchCapability;
}

export interface CallOptions {
  /** Aborts the upstream call: client gone, hedge lost, deadline passed. */
  signal?: AbortSignal;
  deadlines?: Deadlines;
  /** Extra headers for the upstream call (e.g. a per-request trace id). */
  headers?: Record<string, string>;
}

/** Per-attempt time limits in milliseconds; each breach is its own typed error. */
export interface Deadlines {
  connectMs?: number;
  /** Until the response headers (non-streaming) or the first stream part. */
  firstTokenMs?: number;
  /** Largest allowed gap between two stream chunks. */
  idleMs?: number;
  totalMs?: number;
}
