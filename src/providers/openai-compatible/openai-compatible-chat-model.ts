import type { BatchCapability } from '../../spec/batch-capability.js';
import type { CallOptions, ChatModel } from '../../spec/chat-model.js';
import type { ChatRequest } from '../../spec/chat-request.js';
import type { ChatResponse } from '../../spec/chat-response.js';
import type { EmbeddingRequest, EmbeddingResponse } from '../../spec/embedding.js';
import type { StreamPart } from '../../spec/stream-part.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { parseUpstreamJson } from '../../http/safe-json.js';
import { sendUpstream, type UpstreamRequest, type UpstreamResponse } from '../../http/upstream-request.js';
import type { UpstreamPools } from '../../http/upstream-pools.js';
import type { ZodType } from 'zod';
import { asPlainOpenAIResponse } from './as-plain-openai-response.js';
import { chatResponseToStreamParts } from './chat-response-to-stream-parts.js';
import { convertToOpenAIRequest, type ConvertOptions } from './convert-to-openai-request.js';
import { mapOpenAIEmbedding } from './map-openai-embedding.js';
import { mapOpenAIError, mapOpenAIErrorObject, readOpenAIErrorObject, type OpenAIErrorContext } from './map-openai-error.js';
import { mapOpenAIResponse } from './map-openai-response.js';
import type { StreamMappingContext } from './openai-stream-mapper.js';
import { OpenAIStreamReader } from './openai-stream-reader.js';
import { OpenAIBatchApi } from './openai-batch-api.js';
import type { OpenAICompatibleConfig } from './openai-compatible-config.js';
import { openAIEndpointUrl } from './openai-endpoint-url.js';
import { openAIChatResponseSchema, openAIEmbeddingResponseSchema } from './openai-wire.js';

/**
 * The one adapter for OpenAI's Chat Completions wire format. OpenAI, Azure, vLLM, Ollama, Groq,
 * Together, Mistral, DeepSeek, OpenRouter and any other compatible server are configurations of
 * it (base URL, auth style, path layout, quirks), never subclasses or copies.
 */
export class OpenAICompatibleChatModel implements ChatModel {
  readonly deploymentId: string;
  readonly provider = 'openai';
  private readonly chatUrl: string;
  private readonly embeddingsUrl: string;
  private readonly headers: Record<string, string>;
  /**
   * The headers of a call with no per-call extras, for each `accept`: shared by every such call
   * (frozen: nothing downstream writes to them) rather than copied from `headers` each time.
   */
  private readonly jsonHeaders: Readonly<Record<string, string>>;
  private readonly eventStreamHeaders: Readonly<Record<string, string>>;
  /** `convertToOpenAIRequest`'s options, the same for every call of this deployment. */
  private readonly completeOptions: ConvertOptions;
  private readonly streamOptions: ConvertOptions;
  /** What a malformed answer is called in its error message. */
  private readonly chatCompletionLabel: string;
  private readonly embeddingsLabel: string;
  private readonly errorContext: OpenAIErrorContext;
  private readonly streamContext: StreamMappingContext;
  readonly batch?: BatchCapability;

  constructor(
    private readonly config: OpenAICompatibleConfig,
    private readonly pools: UpstreamPools,
  ) {
    this.deploymentId = config.deploymentId;
    this.chatUrl = openAIEndpointUrl(config.baseUrl, config.path, 'chat/completions');
    this.embeddingsUrl = openAIEndpointUrl(config.baseUrl, config.path, 'embeddings');
    this.headers = { 'content-type': 'application/json', ...config.headers, ...authHeader(config) };
    this.jsonHeaders = Object.freeze(Object.assign({}, this.headers, { accept: 'application/json' }));
    this.eventStreamHeaders = Object.freeze(Object.assign({}, this.headers, { accept: 'text/event-stream' }));
    this.completeOptions = Object.freeze({ model: config.model, stream: false, quirks: config.quirks });
    this.streamOptions = Object.freeze({ model: config.model, stream: true, quirks: config.quirks });
    this.chatCompletionLabel = `${config.deploymentId}: chat completion`;
    this.embeddingsLabel = `${config.deploymentId}: embeddings`;
    this.errorContext = { deploymentId: config.deploymentId, ...(config.apiKey !== undefined ? { apiKey: config.apiKey } : {}) };
    this.streamContext = Object.assign({}, this.errorContext, { model: config.model });
    if (config.batch !== undefined) this.batch = new OpenAIBatchApi({ ...config, batch: config.batch }, pools, this.headers);
  }

  async complete(request: ChatRequest, options: CallOptions): Promise<ChatResponse> {
    const body = convertToOpenAIRequest(request, this.completeOptions);
    const response = await this.send(this.chatUrl, body, options, 'application/json');
    const json = await this.readJson(response, this.chatCompletionLabel);
    return mapOpenAIResponse(asPlainOpenAIResponse(json) ?? this.validate(json, openAIChatResponseSchema, 'chat completion'), this.config.model);
  }

  stream(request: ChatRequest, options: CallOptions): AsyncIterable<StreamPart> {
    return new OpenAIStreamReader(() => this.openStream(request, options), this.streamContext);
  }

  /** Sends a stream request: the SSE response, or the parts of a whole JSON answer. */
  private async openStream(request: ChatRequest, options: CallOptions): Promise<UpstreamResponse | StreamPart[]> {
    const body = convertToOpenAIRequest(request, this.streamOptions);
    const response = await this.send(this.chatUrl, body, options, 'text/event-stream');
    if (response.status < 200 || response.status >= 300) {
      throw mapOpenAIError(response.status, response.headers, await response.text(), this.errorContext);
    }
    const contentType = String(response.headers['content-type'] ?? '');
    if (contentType.includes('application/json')) {
      // Some servers answer a stream request with a JSON error, or ignore `stream` altogether.
      const json = await this.readJson(response, this.chatCompletionLabel);
      return chatResponseToStreamParts(mapOpenAIResponse(this.validate(json, openAIChatResponseSchema, 'chat completion'), this.config.model));
    }
    return response;
  }

  async embed(request: EmbeddingRequest, options: CallOptions): Promise<EmbeddingResponse> {
    const body: Record<string, unknown> = { model: this.config.model, input: request.input };
    if (request.encodingFormat !== undefined) body.encoding_format = request.encodingFormat;
    if (request.dimensions !== undefined) body.dimensions = request.dimensions;
    if (request.user !== undefined) body.user = request.user;
    const response = await this.send(this.embeddingsUrl, body, options, 'application/json');
    const json = await this.readJson(response, this.embeddingsLabel);
    return mapOpenAIEmbedding(this.validate(json, openAIEmbeddingResponseSchema, 'embeddings'), this.config.model);
  }

  private send(url: string, body: Record<string, unknown>, options: CallOptions, accept: 'application/json' | 'text/event-stream'): Promise<UpstreamResponse> {
    const shared = accept === 'application/json' ? this.jsonHeaders : this.eventStreamHeaders;
    const request: UpstreamRequest = {
      url,
      method: 'POST',
      // Not `{ ...this.headers, accept, ... }`: properties after a leading spread are slow on Node 20's V8.
      headers: options.headers === undefined ? (shared as Record<string, string>) : Object.assign({}, shared, options.headers),
      body: JSON.stringify(body),
      deploymentId: this.deploymentId,
    };
    if (options.signal !== undefined) request.signal = options.signal;
    if (options.deadlines !== undefined) request.deadlines = options.deadlines;
    return sendUpstream(this.pools, request);
  }

  /** `label` names the answer in the error for a malformed body: `<deployment>: chat completion`. */
  private async readJson(response: UpstreamResponse, label: string): Promise<unknown> {
    const text = await response.text();
    if (response.status < 200 || response.status >= 300) throw mapOpenAIError(response.status, response.headers, text, this.errorContext);
    const json = parseUpstreamJson(text, label);
    // A few servers answer 200 with an error body.
    const embedded = typeof json === 'object' && json !== null && 'error' in json ? readOpenAIErrorObject(json) : undefined;
    if (embedded !== undefined) throw mapOpenAIErrorObject(embedded, {}, this.errorContext);
    return json;
  }

  private validate<T>(json: unknown, schema: ZodType<T>, what: string): T {
    const parsed = schema.safeParse(json);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const where = issue !== undefined && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw new GatewayError('upstream_bad_response', `${this.deploymentId}: unexpected ${what} body${where}: ${issue?.message ?? 'invalid'}`, {
      deploymentId: this.deploymentId,
      cause: parsed.error,
    });
  }
}

function authHeader(config: OpenAICompatibleConfig): Record<string, string> {
  if (config.apiKey === undefined || config.apiKey === '') return {};
  switch (config.authStyle) {
    case 'bearer':
      return { authorization: `Bearer ${config.apiKey}` };
    case 'api-key':
      return { 'api-key': config.apiKey };
    case 'none':
      return {};
  }
}
