import type { CallOptions } from '../spec/chat-model.js';
import type { UpstreamPools } from './upstream-pools.js';
import { sendUpstream, type UpstreamResponse } from './upstream-request.js';

/** Each call of a provider batch API is small; unless the caller sets deadlines it gets this long. */
const BATCH_API_CALL_TIMEOUT_MS = 120_000;

export interface BatchApiCall {
  url: string;
  method: 'GET' | 'POST';
  /** The adapter's own headers (key, version); the call's extra headers go over them. */
  headers: Record<string, string>;
  body?: string;
  deploymentId: string;
}

/**
 * One call of a provider's batch API (create, poll, list, cancel, results), with the call's
 * signal and headers, and no `content-type` when there is no body (some APIs refuse a GET with one).
 */
export function sendBatchApiCall(pools: UpstreamPools, call: BatchApiCall, options: CallOptions): Promise<UpstreamResponse> {
  const headers: Record<string, string> = { ...call.headers, ...options.headers };
  if (call.body === undefined) delete headers['content-type'];
  return sendUpstream(pools, {
    url: call.url,
    method: call.method,
    headers,
    ...(call.body === undefined ? {} : { body: call.body }),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    deadlines: options.deadlines ?? { totalMs: BATCH_API_CALL_TIMEOUT_MS },
    deploymentId: call.deploymentId,
  });
}
