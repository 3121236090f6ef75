export { UpstreamPools, type UpstreamPoolOptions } from './upstream-pools.js';
export { sendUpstream, type UpstreamRequest, type UpstreamResponse } from './upstream-request.js';
export { parseSse, type SseEvent } from './sse-parser.js';
export { SseDecoder } from './sse-decoder.js';
export { parseUpstreamJson, tryParseJson } from './safe-json.js';
export { parseRetryAfter } from './retry-after.js';
