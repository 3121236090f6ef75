import type { BatchCapability } from '../../spec/batch-capability.js';
import type { CallOptions, ChatModel } from '../../spec/chat-model.js';
import type { ChatRequest } from '../../spec/chat-request.js';
import type { ChatResponse } from '../../spec/chat-response.js';
import type { StreamPart } from '../../spec/stream-part.js';
import type { ProviderFactoryOptions } from '../provider-factory.js';
import type { UpstreamPools } from '../../http/upstream-pools.js';
import { sendUpstream, type UpstreamResponse } from '../../http/upstream-request.js';
import { parseSse } from '../../http/sse-parser.js';
import { parseUpstreamJson } from '../../http/safe-json.js';
import { parseRetryAfter } from '../../http/retry-after.js';
import { AnthropicBatchApi } from './anthropic-batch-api.js';
import { mapAnthropicError, parseAnthropicErrorBody } from './anthropic-error.js';
import { ANTHROPIC_DEFAULT_BASE_URL, parseAnthropicSettings, type AnthropicSettings } from './anthropic-settings.js';
import { buildAnthropicRequest } from './build-anthropic-request.js';
import { mapAnthropicResponse } from './map-anthropic-response.js';
import { mapAnthropicStream } from './map-anthropic-stream.js';

/** One Anthropic deployment, speaking the Messages API (`POST {baseUrl}/messages`). */
export class AnthropicChatModel implements ChatModel {
  readonly deploymentId: string;
  readonly provider = 'anthropic';
  private readonly model: string;
  private readonly url: string;
  private readonly pools: UpstreamPools;
  private readonly apiKey: string | undefined;
  private readonly settings: AnthropicSettings;
  private readonly baseHeaders: Record<string, string>;
  readonly batch: BatchCapability;

  constructor(options: ProviderFactoryOptions) {
    this.deploymentId = options.deploymentId;
    this.model = options.model;
    this.pools = options.pools;
    this.apiKey = options.apiKey;
    this.settings = parseAnthropicSettings(options.settings, options.deploymentId);
    const baseUrl = (options.baseUrl ?? ANTHROPIC_DEFAULT_BASE_URL).replace(/\/+$/, '');
    this.url = `${baseUrl}/messages`;
    // Built once: the hot path only spreads per-call headers over it.
    this.baseHeaders = {
      'content-type': 'application/json',
      'anthropic-version': this.settings.anthropicVersion,
      ...(options.apiKey !== undefined ? { 'x-api-key': options.apiKey } : {}),
      ...options.headers,
    };
    this.batch = new AnthropicBatchApi({
      deploymentId: this.deploymentId,
      model: this.model,
      baseUrl,
      defaultMaxTokens: this.settings.defaultMaxTokens,
      headers: this.baseHeaders,
      pools: this.pools,
      ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
    });
  }

  async complete(request: ChatRequest, options: CallOptions): Promise<ChatResponse> {
    const plan = buildAnthropicRequest(request, { model: this.model, defaultMaxTokens: this.settings.defaultMaxTokens, stream: false });
    const response = await this.send(JSON.stringify(plan.body), options);
    if (response.status < 200 || response.status >= 300) throw await this.failure(response);
    const text = await response.text();
    const json = parseUpstreamJson(text, `${this.deploymentId}: Anthropic response`);
    return mapAnthropicResponse(json, { jsonResponseTool: plan.jsonResponseTool, deploymentId: this.deploymentId, created: nowSeconds() });
  }

  async *stream(request: ChatRequest, options: CallOptions): AsyncGenerator<StreamPart> {
    const plan = buildAnthropicRequest(request, { model: this.model, defaultMaxTokens: this.settings.defaultMaxTokens, stream: true });
    const response = await this.send(JSON.stringify(plan.body), options);
    try {
      if (response.status < 200 || response.status >= 300) throw await this.failure(response);
      yield* mapAnthropicStream(parseSse(response.chunks()), {
        jsonResponseTool: plan.jsonResponseTool,
        deploymentId: this.deploymentId,
        created: nowSeconds(),
        apiKey: this.apiKey,
      });
    } finally {
      // Releases the connection when the consumer stops early or mapping failed.
      response.cancel();
    }
  }

  private send(body: string, options: CallOptions): Promise<UpstreamResponse> {
    return sendUpstream(this.pools, {
      url: this.url,
      method: 'POST',
      headers: options.headers === undefined ? this.baseHeaders : { ...this.baseHeaders, ...options.headers },
      body,
      signal: options.signal,
      deadlines: options.deadlines,
      deploymentId: this.deploymentId,
    });
  }

  private async failure(response: UpstreamResponse): Promise<Error> {
    const text = await response.text();
    return mapAnthropicError({
      status: response.status,
      detail: parseAnthropicErrorBody(text),
      rawBody: text,
      retryAfterMs: parseRetryAfter(response.headers),
      deploymentId: this.deploymentId,
      apiKey: this.apiKey,
    });
  }
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
