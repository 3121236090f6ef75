import type { ChatRequest } from '../../spec/chat-request.js';
import type { RequestContext } from '../gateway.js';
import { cacheKey } from './cache-key.js';
import { SemanticIndex } from './semantic-index.js';

export interface SemanticCacheOptions {
  /** Embeds one text (the configured embedding deployment, charged to the caller). */
  embed: (text: string, context: RequestContext) => Promise<number[]>;
  /** Cosine similarity at or above which a cached question counts as the same. */
  threshold: number;
  maxEntries: number;
}

/** The text a semantic lookup compares: the last user message, as plain text. */
function lastUserText(request: ChatRequest): string | undefined {
  for (let i = request.messages.length - 1; i >= 0; i -= 1) {
    const message = request.messages[i];
    if (message?.role !== 'user') continue;
    if (typeof message.content === 'string') return message.content;
    const texts = message.content.flatMap((part) => (part.type === 'text' ? [part.text] : []));
    // A message with images is not compared by its text alone.
    return texts.length === message.content.length ? texts.join('\n') : undefined;
  }
  return undefined;
}

/**
 * Answers a question from the cached answer to a near-identical one. Only the last user message
 * is compared; everything else in the request (tenant, policy, system prompt, history,
 * parameters) must match exactly, since it is part of the partition the search runs in.
 */
export class SemanticCache {
  private readonly options: SemanticCacheOptions;
  private readonly index: SemanticIndex;

  constructor(options: SemanticCacheOptions) {
    this.options = options;
    this.index = new SemanticIndex({ maxEntries: options.maxEntries });
  }

  /** The partition and vector of a request, or undefined when it has no comparable question. */
  async probe(request: ChatRequest, context: RequestContext, scope: string): Promise<{ partition: string; vector: number[] } | undefined> {
    const text = lastUserText(request);
    if (text === undefined) return undefined;
    const last = request.messages.findLastIndex((m) => m.role === 'user');
    const rest: ChatRequest = { ...request, messages: request.messages.filter((_, i) => i !== last) };
    const partition = cacheKey(rest, context, scope);
    return { partition, vector: await this.options.embed(text, context) };
  }

  nearest(probe: { partition: string; vector: number[] }): string | undefined {
    return this.index.nearest(probe.partition, probe.vector, this.options.threshold)?.key;
  }

  remember(probe: { partition: string; vector: number[] }, key: string): void {
    this.index.add(probe.partition, probe.vector, key);
  }
}
