import type { EmbeddingRequest } from '../../spec/embedding.js';
import type { EmbedResult, RequestContext } from '../gateway.js';
import { canonicalJson } from './canonical-json.js';

export interface EmbeddingBatcherOptions {
  /** The call that goes upstream (the gateway's own `embed`). */
  embed: (request: EmbeddingRequest, context: RequestContext) => Promise<EmbedResult>;
  /** How long the first request of a batch waits for others, ms. */
  windowMs: number;
  /** Most inputs in one upstream call (the provider's batch limit; OpenAI's is 2048). */
  maxInputs: number;
}

interface Member {
  request: EmbeddingRequest;
  context: RequestContext;
  resolve: (result: EmbedResult) => void;
  reject: (error: unknown) => void;
}

interface Pending {
  members: Member[];
  inputs: number;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Merges embedding requests for the same target that arrive within a short window into one
 * upstream call, then splits the vectors back in order. Requests are merged only when they
 * would be charged to the same caller and ask for the same model, policy, dimensions and
 * routing, so that budgets and ledger rows stay per caller. The merged call carries the first
 * member's request id and no client abort signal: one client leaving must not fail the others.
 * The price is up to `windowMs` more latency for the first request of each batch.
 */
export class EmbeddingBatcher {
  private readonly options: EmbeddingBatcherOptions;
  private readonly pending = new Map<string, Pending>();

  constructor(options: EmbeddingBatcherOptions) {
    this.options = options;
  }

  embed(request: EmbeddingRequest, context: RequestContext): Promise<EmbedResult> {
    if (request.input.length >= this.options.maxInputs) return this.options.embed(request, context);
    const key = canonicalJson({
      model: request.model,
      dimensions: request.dimensions,
      routing: request.routing,
      policy: context.policy,
      wishes: context.wishes,
      caller: context.principal?.keyId,
    });
    return new Promise<EmbedResult>((resolve, reject) => {
      let batch = this.pending.get(key);
      if (batch !== undefined && batch.inputs + request.input.length > this.options.maxInputs) {
        this.flush(key, batch);
        batch = undefined;
      }
      if (batch === undefined) {
        const timer = setTimeout(() => {
          const current = this.pending.get(key);
          if (current !== undefined) this.flush(key, current);
        }, this.options.windowMs);
        batch = { members: [], inputs: 0, timer };
        this.pending.set(key, batch);
      }
      batch.members.push({ request, context, resolve, reject });
      batch.inputs += request.input.length;
      if (batch.inputs >= this.options.maxInputs) this.flush(key, batch);
    });
  }

  private flush(key: string, batch: Pending): void {
    clearTimeout(batch.timer);
    if (this.pending.get(key) === batch) this.pending.delete(key);
    const [first] = batch.members;
    if (first === undefined) return;
    if (batch.members.length === 1) {
      this.options.embed(first.request, first.context).then(first.resolve, first.reject);
      return;
    }
    const merged: EmbeddingRequest = { ...first.request, input: batch.members.flatMap((member) => member.request.input) };
    delete merged.user;
    const { signal: _signal, ...context } = first.context;
    this.options.embed(merged, context).then(
      (result) => split(result, batch.members),
      (error: unknown) => {
        for (const member of batch.members) member.reject(error);
      },
    );
  }
}

/** Each member's vectors in order, with its share of the tokens and cost (by input length). */
function split(result: EmbedResult, members: readonly Member[]): void {
  const lengths = members.map((member) => member.request.input.reduce((sum, text) => sum + text.length, 0));
  const totalLength = lengths.reduce((sum, n) => sum + n, 0) || 1;
  const totalTokens = result.response.usage.inputTokens;
  let offset = 0;
  let tokensLeft = totalTokens;
  for (const [index, member] of members.entries()) {
    const count = member.request.input.length;
    const share = (lengths[index] ?? 0) / totalLength;
    const last = index === members.length - 1;
    const tokens = last ? tokensLeft : Math.round(totalTokens * share);
    tokensLeft -= tokens;
    member.resolve({
      ...result,
      response: { model: result.response.model, embeddings: result.response.embeddings.slice(offset, offset + count), usage: { inputTokens: tokens } },
      costUsd: result.costUsd * share,
    });
    offset += count;
  }
}
