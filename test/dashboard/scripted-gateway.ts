import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Decision } from '../../src/spec/decision.js';
import type { LiveStats } from '../../src/spec/live-stats.js';
import type { StreamPart } from '../../src/spec/stream-part.js';
import type { TaskType } from '../../src/spec/task-type.js';
import type { Usage } from '../../src/spec/usage.js';
import type { ChatRequest } from '../../src/spec/chat-request.js';
import { GatewayError } from '../../src/errors/gateway-error.js';
import { AttemptsExhaustedError } from '../../src/engine/attempts-exhausted-error.js';
import type { AttemptRecord, ChatStream, Gateway, StreamSettlement } from '../../src/engine/gateway.js';

/** USD per 1M tokens (input, output): one dear, one cheap, one in between. */
export const PRICES: Record<string, [number, number]> = {
  'openai/gpt-4o': [2.5, 10],
  'openai/gpt-4o-mini': [0.15, 0.6],
  'anthropic/claude-haiku': [0.8, 4],
};

const ORDER: Record<'coding' | 'chat', string[]> = {
  coding: ['anthropic/claude-haiku', 'openai/gpt-4o'],
  chat: ['openai/gpt-4o-mini', 'openai/gpt-4o'],
};

export const costOf = (deploymentId: string, usage: Usage): number => {
  const [input, output] = PRICES[deploymentId]!;
  return (usage.inputTokens * input + usage.outputTokens * output) / 1e6;
};

function promptOf(request: ChatRequest): string {
  return request.messages.map((m) => (typeof m.content === 'string' ? m.content : '')).join(' ');
}

/**
 * A deterministic stand-in for the engine, behind the real `Gateway` interface: the task comes
 * from the prompt ("code" means coding), "flaky" makes the first pick fail with `overloaded`,
 * "fail-all" makes every candidate fail. Usage is fixed per request so that costs are exact.
 */
export class ScriptedGateway implements Gateway {
  readonly summary = { live: [], simulated: [], aliases: [], policies: ['balanced'], defaultPolicy: 'balanced', notes: [] };
  readonly breakers = new Map<string, LiveStats['breaker']>(Object.keys(PRICES).map((id) => [id, 'closed']));
  readonly usage: Usage = { inputTokens: 1000, outputTokens: 500 };

  constructor(private readonly delayMs = 5) {}

  route(request: ChatRequest): Decision {
    const task: TaskType = /code/i.test(promptOf(request)) ? 'coding' : 'chat';
    const order = ORDER[task];
    return {
      id: `dec_${randomUUID()}`,
      requested: request.model,
      policy: 'balanced',
      profile: { task, taskConfidence: 0.9, taskSource: 'classifier', difficulty: 0.3, inputTokens: this.usage.inputTokens, expectedOutputTokens: this.usage.outputTokens, needs: { tools: false, vision: false, json: false, streaming: request.stream === true } },
      candidates: order.map((deploymentId, index) => ({
        deploymentId,
        score: 0.9 - index * 0.2,
        parts: { cost: 0.5, latency: 0.5, quality: 0.5, reliability: 1, weights: { cost: 0.3, latency: 0.2, quality: 0.4, reliability: 0.1 } },
        estimatedCostUsd: costOf(deploymentId, this.usage),
        maxCostUsd: costOf(deploymentId, this.usage) * 2,
        estimatedLatencyMs: 400,
        expectedQuality: 0.8,
        reasons: [index === 0 ? `best ${task} score per dollar` : 'fallback candidate'],
      })),
      excluded: [],
      reasons: [`task ${task} (classifier 0.90)`],
    };
  }

  private async attempt(request: ChatRequest, decision: Decision): Promise<{ deploymentId: string; attempts: AttemptRecord[] }> {
    const prompt = promptOf(request);
    const attempts: AttemptRecord[] = [];
    for (const [index, candidate] of decision.candidates.entries()) {
      await sleep(this.delayMs);
      const failing = /fail-all/.test(prompt) || (index === 0 && /flaky/.test(prompt));
      if (failing) {
        attempts.push({ deploymentId: candidate.deploymentId, outcome: 'overloaded', errorCode: 'overloaded', message: 'upstream overloaded', latencyMs: this.delayMs });
        continue;
      }
      attempts.push({ deploymentId: candidate.deploymentId, outcome: 'ok', latencyMs: this.delayMs * 4, ttftMs: this.delayMs * 2, usage: this.usage });
      return { deploymentId: candidate.deploymentId, attempts };
    }
    const last = new GatewayError('overloaded', 'upstream overloaded', { deploymentId: attempts.at(-1)!.deploymentId });
    throw new AttemptsExhaustedError(last, attempts);
  }

  async chat(request: ChatRequest): ReturnType<Gateway['chat']> {
    const decision = this.route(request);
    const { deploymentId, attempts } = await this.attempt(request, decision);
    return {
      response: {
        id: `chatcmpl-${randomUUID()}`,
        created: Math.floor(Date.now() / 1000),
        model: deploymentId,
        choices: [{ index: 0, message: { role: 'assistant', content: `answer from ${deploymentId}` }, finishReason: 'stop' }],
        usage: this.usage,
      },
      decision,
      attempts,
      deploymentId,
      usage: this.usage,
      costUsd: costOf(deploymentId, this.usage),
    };
  }

  async chatStream(request: ChatRequest): Promise<ChatStream> {
    const decision = this.route(request);
    const { deploymentId, attempts } = await this.attempt(request, decision);
    const usage = this.usage;
    let settle!: (value: StreamSettlement) => void;
    const settlement = new Promise<StreamSettlement>((resolve) => (settle = resolve));
    async function* parts(): AsyncIterable<StreamPart> {
      try {
        yield { type: 'start', id: `chatcmpl-${randomUUID()}`, model: deploymentId, created: Math.floor(Date.now() / 1000) };
        for (const word of ['streamed ', 'answer ', `from ${deploymentId}`]) yield { type: 'text-delta', choiceIndex: 0, text: word };
        yield { type: 'usage', usage };
        yield { type: 'finish', choiceIndex: 0, finishReason: 'stop' };
      } finally {
        settle({ deploymentId, attempts, usage, costUsd: costOf(deploymentId, usage), costEstimated: false, outcome: 'ok', finishReason: 'stop' });
      }
    }
    return { decision, deploymentId, failedAttempts: attempts.slice(0, -1), parts: parts(), settlement };
  }

  embed(): ReturnType<Gateway['embed']> {
    return Promise.reject(new GatewayError('invalid_request', 'embeddings are not scripted'));
  }

  listModels(): ReturnType<Gateway['listModels']> {
    return Object.keys(PRICES).map((id) => ({ id, kind: 'deployment' as const, ownedBy: id.split('/')[0]! }));
  }

  stats(): LiveStats[] {
    return [...this.breakers].map(([deploymentId, breaker]) => ({ deploymentId, samples: 1, breaker, inFlight: 0 }));
  }

  health(): ReturnType<Gateway['health']> {
    return { ready: true, deployments: 3, unavailable: [] };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
