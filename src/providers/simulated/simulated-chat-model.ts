import type { CallOptions, ChatModel } from '../../spec/chat-model.js';
import type { ChatRequest } from '../../spec/chat-request.js';
import type { ChatResponse } from '../../spec/chat-response.js';
import type { EmbeddingRequest, EmbeddingResponse } from '../../spec/embedding.js';
import type { StreamPart } from '../../spec/stream-part.js';
import type { Usage } from '../../spec/usage.js';
import { GatewayError } from '../../errors/gateway-error.js';
import type { ProviderFactoryOptions } from '../provider-factory.js';
import { buildSimulatedAnswer, type SimulatedChoice } from './build-simulated-answer.js';
import { countSimulatedPromptTokens } from './count-simulated-prompt-tokens.js';
import { hashText } from './hash-text.js';
import { createSeededRandom, type Random } from './seeded-random.js';
import { pickSimulatedFailure, simulatedFailureError } from './simulated-failure.js';
import { parseSimulatedSettings, type SimulatedSettings } from './simulated-settings.js';
import { SimulatedPromptCache } from './simulated-prompt-cache.js';
import { SimulatedTimer } from './simulated-timer.js';

/** Text is streamed in pieces of about this long, so that a fast model does not need a timer per token. */
const MIN_CHUNK_INTERVAL_MS = 20;

/**
 * A deployment of the built-in simulated provider: deterministic answers (see
 * buildSimulatedAnswer), paced by the configured TTFT and tokens per second, failing at the
 * configured rates with the same typed errors real adapters raise. No network.
 */
export class SimulatedChatModel implements ChatModel {
  readonly deploymentId: string;
  readonly provider = 'simulated';
  private readonly model: string;
  private readonly settings: SimulatedSettings;
  /** One sequence per deployment for failures and jitter, so a run of calls is repeatable. */
  private readonly random: Random;
  private readonly promptCache: SimulatedPromptCache | undefined;

  constructor(options: ProviderFactoryOptions) {
    this.deploymentId = options.deploymentId;
    this.model = options.model;
    this.settings = parseSimulatedSettings(options.settings, options.deploymentId);
    this.random = createSeededRandom(this.settings.seed ?? hashText(options.deploymentId));
    this.promptCache = this.settings.promptCaching ? new SimulatedPromptCache() : undefined;
  }

  async complete(request: ChatRequest, options: CallOptions): Promise<ChatResponse> {
    const timer = new SimulatedTimer(this.deploymentId, options.deadlines, options.signal);
    timer.checkAborted();
    const { choices, usage, ttftMs, failure } = this.prepare(request);
    const outputMs = this.generationMs(usage.outputTokens);
    // Without streaming the headers arrive only when the whole answer is ready.
    if (failure === 'timeout') await this.stall(timer);
    if (failure === 'network') {
      await timer.wait(ttftMs, 'first');
      throw simulatedFailureError('network', this.deploymentId, this.random);
    }
    await timer.wait(ttftMs + outputMs, 'first');
    return {
      id: this.responseId(request),
      created: Math.floor(Date.now() / 1000),
      model: this.model,
      choices: choices.map((c) => ({
        index: c.index,
        message: { role: 'assistant', content: c.text, ...(c.toolCalls ? { toolCalls: c.toolCalls } : {}) },
        finishReason: c.finishReason,
      })),
      usage,
    };
  }

  async *stream(request: ChatRequest, options: CallOptions): AsyncIterable<StreamPart> {
    const timer = new SimulatedTimer(this.deploymentId, options.deadlines, options.signal);
    timer.checkAborted();
    const { choices, usage, ttftMs, failure } = this.prepare(request);
    yield { type: 'start', id: this.responseId(request), model: this.model, created: Math.floor(Date.now() / 1000) };
    if (failure === 'timeout') await this.stall(timer);
    await timer.wait(ttftMs, 'first');
    const parts = choices.flatMap((choice) => [...this.choiceParts(choice)]);
    // A network failure cuts the stream halfway through, after the commit point (at least one
    // content part has gone out), the way a reset connection does.
    const cutAt = failure === 'network' ? Math.max(1, Math.floor(parts.length / 2)) : Infinity;
    for (const [index, { part, delayMs }] of parts.entries()) {
      if (index === cutAt) throw simulatedFailureError('network', this.deploymentId, this.random);
      if (index > 0) await timer.wait(delayMs, 'next');
      yield part;
    }
    yield { type: 'usage', usage };
  }

  async embed(request: EmbeddingRequest, options: CallOptions): Promise<EmbeddingResponse> {
    const timer = new SimulatedTimer(this.deploymentId, options.deadlines, options.signal);
    timer.checkAborted();
    const failure = pickSimulatedFailure(this.settings, this.random);
    if (failure === 'timeout') await this.stall(timer);
    if (failure !== undefined && failure !== 'timeout') throw simulatedFailureError(failure, this.deploymentId, this.random);
    const dimensions = request.dimensions ?? this.settings.embeddingDimensions;
    await timer.wait(this.settings.ttftMs / 2, 'first');
    return {
      model: this.model,
      embeddings: request.input.map((text) => unitVector(text, dimensions)),
      usage: { inputTokens: request.input.reduce((sum, text) => sum + this.settings.countTokens(text), 0) },
    };
  }

  /** Everything decided before the first byte: the answer, the usage, this call's TTFT, whether it fails. */
  private prepare(request: ChatRequest): { choices: SimulatedChoice[]; usage: Usage; ttftMs: number; failure: ReturnType<typeof pickSimulatedFailure> } {
    const { inputTokens, throughMessage } = countSimulatedPromptTokens(request, this.settings.countTokens);
    const window = this.settings.contextWindow;
    if (window !== undefined && inputTokens + (request.maxOutputTokens ?? 0) > window) {
      throw new GatewayError(
        'context_length_exceeded',
        `${this.deploymentId}: this model's context window is ${window} tokens; the request has ${inputTokens} input tokens${request.maxOutputTokens ? ` and asks for ${request.maxOutputTokens} output tokens` : ''}.`,
        { upstreamStatus: 400, deploymentId: this.deploymentId },
      );
    }
    const failure = pickSimulatedFailure(this.settings, this.random);
    const jitter = (this.random() * 2 - 1) * this.settings.ttftJitterMs;
    const ttftMs = Math.max(0, this.settings.ttftMs + jitter);
    if (failure !== undefined && failure !== 'timeout' && failure !== 'network') throw simulatedFailureError(failure, this.deploymentId, this.random);
    const choices = buildSimulatedAnswer(request, this.model, this.settings);
    const usage: Usage = { inputTokens, outputTokens: choices.reduce((sum, c) => sum + c.outputTokens, 0) };
    if (this.promptCache) {
      const toolsKey = JSON.stringify([request.tools ?? null, request.responseFormat?.type === 'json_schema' ? request.responseFormat.jsonSchema : null]);
      const cached = this.promptCache.lookupAndStore(toolsKey, request.messages, throughMessage);
      if (cached > 0) usage.cachedInputTokens = cached;
    }
    return { choices, usage, ttftMs, failure };
  }

  private *choiceParts(choice: SimulatedChoice): Generator<{ part: StreamPart; delayMs: number }> {
    const choiceIndex = choice.index;
    for (const [toolIndex, call] of (choice.toolCalls ?? []).entries()) {
      yield { part: { type: 'tool-call-delta', choiceIndex, toolIndex, id: call.id, name: call.function.name, argumentsDelta: '' }, delayMs: 0 };
      for (const piece of splitEvenly(call.function.arguments, 3)) {
        yield { part: { type: 'tool-call-delta', choiceIndex, toolIndex, argumentsDelta: piece }, delayMs: this.generationMs(this.settings.countTokens(piece)) };
      }
    }
    if (choice.text) {
      const perToken = 1000 / this.settings.outputTokensPerSecond;
      const tokensPerChunk = Math.max(1, Math.ceil(MIN_CHUNK_INTERVAL_MS / perToken));
      const pieces = choice.text.match(/\S+\s*/g) ?? [choice.text];
      const leading = choice.text.match(/^\s+/)?.[0] ?? '';
      let first = true;
      for (let i = 0; i < pieces.length; i += tokensPerChunk) {
        const text = (first ? leading : '') + pieces.slice(i, i + tokensPerChunk).join('');
        first = false;
        yield { part: { type: 'text-delta', choiceIndex, text }, delayMs: this.generationMs(this.settings.countTokens(text)) };
      }
    }
    yield { part: { type: 'finish', choiceIndex, finishReason: choice.finishReason }, delayMs: 0 };
  }

  private generationMs(tokens: number): number {
    return (tokens / this.settings.outputTokensPerSecond) * 1000;
  }

  /** A hung upstream: the caller's deadline ends it, or our stall limit does. */
  private async stall(timer: SimulatedTimer): Promise<never> {
    await timer.wait(this.settings.stallMs, 'first');
    throw new GatewayError('first_token_timeout', `${this.deploymentId}: simulated upstream stalled for ${this.settings.stallMs} ms.`, { deploymentId: this.deploymentId });
  }

  private responseId(request: ChatRequest): string {
    return `simcmpl-${hashText(JSON.stringify(request.messages)).toString(16)}`;
  }
}

function splitEvenly(text: string, parts: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / parts));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** A deterministic unit vector from the text's hash. */
function unitVector(text: string, dimensions: number): number[] {
  const random = createSeededRandom(hashText(text));
  const vector = Array.from({ length: dimensions }, () => random() * 2 - 1);
  const norm = Math.sqrt(vector.reduce((sum, v) => sum + v * v, 0)) || 1;
  return vector.map((v) => v / norm);
}
