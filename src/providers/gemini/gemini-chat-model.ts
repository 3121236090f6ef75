import type { BatchCapability } from '../../spec/batch-capability.js';
import type { CallOptions, ChatModel } from '../../spec/chat-model.js';
import type { ChatRequest } from '../../spec/chat-request.js';
import type { ChatResponse } from '../../spec/chat-response.js';
import type { EmbeddingRequest, EmbeddingResponse } from '../../spec/embedding.js';
import type { StreamPart } from '../../spec/stream-part.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { parseSse } from '../../http/sse-parser.js';
import { parseUpstreamJson } from '../../http/safe-json.js';
import { sendUpstream, type UpstreamResponse } from '../../http/upstream-request.js';
import type { UpstreamPools } from '../../http/upstream-pools.js';
import { buildGeminiRequest, type BuildGeminiRequestOptions } from './build-gemini-request.js';
import { GeminiBatchApi } from './gemini-batch-api.js';
import { mapGeminiError } from './gemini-error.js';
import { geminiBatchEmbedResponseSchema, geminiResponseSchema, type GeminiResponse } from './gemini-wire.js';
import { mapGeminiResponse } from './map-gemini-response.js';
import { mapGeminiStream } from './map-gemini-stream.js';

export const GEMINI_BASE_URL = 'https://generativelanguage.googleapis.com/v1beta';

export interface GeminiChatModelOptions extends BuildGeminiRequestOptions {
  deploymentId: string;
  /** `gemini-2.5-flash`, or a full resource name such as `models/…` or `tunedModels/…`. */
  model: string;
  baseUrl?: string;
  apiKey?: string;
  headers?: Record<string, string>;
  pools: UpstreamPools;
  /** Unix ms; injectable for tests. */
  now?: () => number;
}

/** One Gemini deployment, spoken to over the Generative Language REST API. */
export class GeminiChatModel implements ChatModel {
  readonly provider = 'gemini';
  readonly deploymentId: string;
  readonly batch: BatchCapability;
  private readonly options: GeminiChatModelOptions;
  private readonly resourceUrl: string;
  private readonly modelName: string;
  private readonly baseHeaders: Record<string, string>;
  private readonly now: () => number;

  constructor(options: GeminiChatModelOptions) {
    this.options = options;
    this.deploymentId = options.deploymentId;
    const resource = /^(models|tunedModels)\//.test(options.model) ? options.model : `models/${options.model}`;
    this.modelName = resource.slice(resource.indexOf('/') + 1);
    const base = (options.baseUrl ?? GEMINI_BASE_URL).replace(/\/+$/, '');
    this.resourceUrl = `${base}/${resource.split('/').map(encodeURIComponent).join('/')}`;
    // The key goes in a header, never the URL, so it cannot leak through logged URLs.
    this.baseHeaders = { 'content-type': 'application/json', ...options.headers };
    if (options.apiKey !== undefined && options.apiKey.length > 0) this.baseHeaders['x-goog-api-key'] = options.apiKey;
    this.now = options.now ?? Date.now;
    this.batch = new GeminiBatchApi({
      deploymentId: this.deploymentId,
      modelName: this.modelName,
      baseUrl: base,
      resourceUrl: this.resourceUrl,
      request: options,
      headers: this.baseHeaders,
      pools: options.pools,
      now: this.now,
      ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
    });
  }

  async complete(request: ChatRequest, options: CallOptions): Promise<ChatResponse> {
    const body = JSON.stringify(buildGeminiRequest(request, this.options));
    const response = await this.send(`${this.resourceUrl}:generateContent`, body, options, 'application/json');
    const text = await response.text();
    if (response.status < 200 || response.status >= 300) throw this.error(response, text);
    const parsed = this.parseResponse(parseUpstreamJson(text, `${this.deploymentId} response`));
    return mapGeminiResponse(parsed, { model: this.modelName, deploymentId: this.deploymentId, now: this.now() });
  }

  async *stream(request: ChatRequest, options: CallOptions): AsyncGenerator<StreamPart> {
    const body = JSON.stringify(buildGeminiRequest(request, this.options));
    const response = await this.send(`${this.resourceUrl}:streamGenerateContent?alt=sse`, body, options, 'text/event-stream');
    try {
      if (response.status < 200 || response.status >= 300) throw this.error(response, await response.text());
      yield* mapGeminiStream(this.events(response), { model: this.modelName, deploymentId: this.deploymentId, now: this.now });
    } finally {
      response.cancel();
    }
  }

  async embed(request: EmbeddingRequest, options: CallOptions): Promise<EmbeddingResponse> {
    if (request.input.length === 0) throw new GatewayError('invalid_request', 'input must hold at least one text.', { param: 'input' });
    const resource = `models/${this.modelName}`;
    const body = JSON.stringify({
      requests: request.input.map((text) => ({
        model: resource,
        content: { parts: [{ text }] },
        ...(request.dimensions !== undefined ? { outputDimensionality: request.dimensions } : {}),
      })),
    });
    const response = await this.send(`${this.resourceUrl}:batchEmbedContents`, body, options, 'application/json');
    const text = await response.text();
    if (response.status < 200 || response.status >= 300) throw this.error(response, text);
    const parsed = geminiBatchEmbedResponseSchema.safeParse(parseUpstreamJson(text, `${this.deploymentId} embeddings`));
    if (!parsed.success || parsed.data.embeddings.length !== request.input.length) {
      throw new GatewayError('upstream_bad_response', `${this.deploymentId}: the embeddings answer does not hold one vector per input.`, { deploymentId: this.deploymentId });
    }
    // batchEmbedContents usually reports no token count; four characters per token is the
    // usual rough figure for Gemini's tokenizer on English text.
    const inputTokens = parsed.data.usageMetadata?.promptTokenCount ?? Math.ceil(request.input.reduce((sum, t) => sum + t.length, 0) / 4);
    return { model: this.modelName, embeddings: parsed.data.embeddings.map((e) => e.values), usage: { inputTokens } };
  }

  private send(url: string, body: string, options: CallOptions, accept: string): Promise<UpstreamResponse> {
    return sendUpstream(this.options.pools, {
      url,
      method: 'POST',
      headers: { ...this.baseHeaders, accept, ...options.headers },
      body,
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
      ...(options.deadlines !== undefined ? { deadlines: options.deadlines } : {}),
      deploymentId: this.deploymentId,
    });
  }

  private error(response: UpstreamResponse, body: string): GatewayError {
    return mapGeminiError({
      status: response.status,
      headers: response.headers,
      body,
      deploymentId: this.deploymentId,
      ...(this.options.apiKey !== undefined ? { apiKey: this.options.apiKey } : {}),
    });
  }

  private parseResponse(json: unknown): GeminiResponse {
    if (typeof json === 'object' && json !== null && 'error' in json) {
      // Google reports a failure inside a 200 stream as an `{error}` object of its usual shape.
      const code = (json as { error?: { code?: unknown } }).error?.code;
      throw mapGeminiError({ status: typeof code === 'number' ? code : 500, headers: {}, body: JSON.stringify(json), deploymentId: this.deploymentId });
    }
    const parsed = geminiResponseSchema.safeParse(json);
    if (!parsed.success) {
      throw new GatewayError('upstream_bad_response', `${this.deploymentId}: unexpected response shape: ${parsed.error.issues[0]?.message ?? 'invalid'}.`, {
        deploymentId: this.deploymentId,
        cause: parsed.error,
      });
    }
    return parsed.data;
  }

  /**
   * With `alt=sse` Google streams SSE; without it (or behind a proxy that drops the parameter)
   * the same endpoint answers one JSON array of responses. Both are read.
   */
  private async *events(response: UpstreamResponse): AsyncGenerator<GeminiResponse> {
    const contentType = String(response.headers['content-type'] ?? '');
    if (contentType.includes('application/json')) {
      const json = parseUpstreamJson(await response.text(), `${this.deploymentId} stream`);
      for (const item of Array.isArray(json) ? json : [json]) yield this.parseResponse(item);
      return;
    }
    for await (const event of parseSse(response.chunks())) {
      if (event.data.trim().length === 0 || event.data === '[DONE]') continue;
      yield this.parseResponse(parseUpstreamJson(event.data, `${this.deploymentId} stream event`));
    }
  }
}
