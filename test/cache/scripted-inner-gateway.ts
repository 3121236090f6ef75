import type { ChatRequest } from '../../src/spec/chat-request.js';
import type { ChatResponse } from '../../src/spec/chat-response.js';
import type { Decision } from '../../src/spec/decision.js';
import type { StreamPart } from '../../src/spec/stream-part.js';
import type { ChatResult, ChatStream, EmbedResult, Gateway } from '../../src/engine/gateway.js';
import type { EmbeddingRequest } from '../../src/spec/embedding.js';

export function decisionFor(model: string): Decision {
  return { id: `d-${model}`, requested: model, policy: 'balanced', profile: {} as Decision['profile'], candidates: [], excluded: [], reasons: [] };
}

export function answerFor(request: ChatRequest, calls: number): ChatResponse {
  const last = request.messages.at(-1);
  const text = `answer #${calls} to ${typeof last?.content === 'string' ? last.content : '?'}`;
  return { id: `resp-${calls}`, created: 1_700_000_000, model: 'upstream-model', choices: [{ index: 0, message: { role: 'assistant', content: text }, finishReason: 'stop' }], usage: { inputTokens: 10, outputTokens: 5 } };
}

/** A gateway that answers every call with a numbered answer after `delayMs`, counting upstream calls. */
export class ScriptedInnerGateway implements Gateway {
  calls = 0;
  embedCalls: EmbeddingRequest[] = [];
  delayMs = 0;
  readonly summary = { live: [], simulated: [], aliases: [], policies: [], defaultPolicy: 'balanced', notes: [] };

  async chat(request: ChatRequest): Promise<ChatResult> {
    this.calls += 1;
    const n = this.calls;
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    const response = answerFor(request, n);
    return { response, decision: decisionFor(request.model), attempts: [{ deploymentId: 'fake/a', outcome: 'ok', latencyMs: 1 }], deploymentId: 'fake/a', usage: response.usage, costUsd: 0.001 };
  }

  async chatStream(request: ChatRequest): Promise<ChatStream> {
    this.calls += 1;
    const response = answerFor(request, this.calls);
    const delay = this.delayMs;
    const text = response.choices[0]?.message.content ?? '';
    async function* parts(): AsyncGenerator<StreamPart> {
      yield { type: 'start', id: response.id, model: response.model, created: response.created };
      for (const word of text.split(/(?<= )/)) {
        if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay / 4));
        yield { type: 'text-delta', choiceIndex: 0, text: word };
      }
      yield { type: 'finish', choiceIndex: 0, finishReason: 'stop' };
      yield { type: 'usage', usage: response.usage };
    }
    let done!: () => void;
    const ended = new Promise<void>((resolve) => (done = resolve));
    const wrapped = (async function* () {
      try {
        yield* parts();
      } finally {
        done();
      }
    })();
    return {
      decision: decisionFor(request.model),
      deploymentId: 'fake/a',
      failedAttempts: [],
      parts: wrapped,
      settlement: ended.then(() => ({ deploymentId: 'fake/a', attempts: [], usage: response.usage, costUsd: 0.001, costEstimated: false, outcome: 'ok' as const, finishReason: 'stop' as const })),
    };
  }

  async embed(request: EmbeddingRequest): Promise<EmbedResult> {
    this.embedCalls.push(request);
    return {
      response: { model: 'embed', embeddings: request.input.map((text) => [text.length, 1]), usage: { inputTokens: request.input.length } },
      decision: decisionFor(request.model),
      deploymentId: request.model,
      attempts: [],
      costUsd: 0,
    };
  }

  route(request: ChatRequest): Decision {
    return decisionFor(request.model);
  }
  listModels(): [] {
    return [];
  }
  stats(): [] {
    return [];
  }
  health(): { ready: boolean; deployments: number; unavailable: string[] } {
    return { ready: true, deployments: 1, unavailable: [] };
  }
  async close(): Promise<void> {}
}
