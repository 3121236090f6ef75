import { performance } from 'node:perf_hooks';
import type { ChatRequest } from '../spec/chat-request.js';
import type { Decision } from '../spec/decision.js';
import type { StreamPart } from '../spec/stream-part.js';
import { toGatewayError } from '../errors/gateway-error.js';
import { AttemptsExhaustedError } from '../engine/attempts-exhausted-error.js';
import type { AttemptRecord, ChatStream, ConsensusOutcome, Gateway, RequestContext } from '../engine/gateway.js';
import type { AttemptFinishedEvent, AttemptRole, AttemptSummary, DecisionMadeEvent, GatewayObserver, RequestFinishedEvent } from '../telemetry/gateway-observer.js';

/** A finished-request event before its timing and attempts are added. */
type FinishedBase = Omit<RequestFinishedEvent, 'at' | 'latencyMs' | 'attempts'>;

export interface ObserveGatewayOptions {
  /** Put prompt and completion text on request events (for opt-in prompt logging). */
  capturePrompts?: boolean;
  now?: () => number;
}

/**
 * Hedges and parallel legs say their role; otherwise the first attempt is the decision's pick,
 * the same deployment again a retry and another one a fallback (a hedge beside it aside).
 */
function summarizeAttempts(attempts: readonly AttemptRecord[]): AttemptSummary[] {
  return attempts.map((attempt, index) => {
    const previous = previousNotHedge(attempts, index);
    const role: AttemptRole = attempt.role ?? (previous === undefined ? 'first' : previous.deploymentId === attempt.deploymentId ? 'retry' : 'fallback');
    const summary: AttemptSummary = { deploymentId: attempt.deploymentId, role, outcome: attempt.outcome, latencyMs: attempt.latencyMs };
    if (attempt.errorCode !== undefined) summary.errorCode = attempt.errorCode;
    if (attempt.ttftMs !== undefined) summary.ttftMs = attempt.ttftMs;
    return summary;
  });
}

function previousNotHedge(attempts: readonly AttemptRecord[], index: number): AttemptRecord | undefined {
  for (let earlier = index - 1; earlier >= 0; earlier -= 1) {
    const attempt = attempts[earlier];
    if (attempt !== undefined && attempt.role !== 'hedge') return attempt;
  }
  return undefined;
}

/**
 * An attempt's event, field by field in the order `{ ...attempt, requestId, at, index, won }`
 * would give them: a spread, or `Object.assign` from the summary and a literal, builds two
 * objects (on Node 20's V8, properties after a leading spread also take the slow path).
 */
function attemptEvent(attempt: AttemptSummary, base: FinishedBase, at: number, index: number, won: boolean): AttemptFinishedEvent {
  const event = { deploymentId: attempt.deploymentId, role: attempt.role, outcome: attempt.outcome, latencyMs: attempt.latencyMs } as AttemptFinishedEvent;
  if (attempt.errorCode !== undefined) event.errorCode = attempt.errorCode;
  if (attempt.ttftMs !== undefined) event.ttftMs = attempt.ttftMs;
  event.requestId = base.requestId;
  event.at = at;
  event.index = index;
  event.won = won;
  if (base.decisionId) event.decisionId = base.decisionId;
  return event;
}

function consensusOf(outcome: ConsensusOutcome): NonNullable<RequestFinishedEvent['consensus']> {
  return { agreeing: outcome.agreeing, asked: outcome.asked, majority: outcome.majority };
}

function promptText(request: ChatRequest): string {
  return request.messages
    .map((message) => {
      const content = message.content;
      const text = typeof content === 'string' ? content : content === null ? '' : content.map((part) => (part.type === 'text' ? part.text : `[${part.type}]`)).join('');
      return `${message.role}: ${text}`;
    })
    .join('\n');
}

/**
 * Wraps a gateway so that every chat and embedding call reports to telemetry: request start,
 * the decision, each attempt and the finish. Built from the engine's public results, so it works
 * with any engine; with no observer the gateway is returned untouched.
 */
export function observeGateway(gateway: Gateway, observer: GatewayObserver | undefined, options: ObserveGatewayOptions = {}): Gateway {
  if (observer === undefined) return gateway;
  const now = options.now ?? Date.now;
  const capture = options.capturePrompts === true;

  const report = (base: FinishedBase, attempts: AttemptSummary[], started: number): void => {
    const at = now();
    if (observer.attemptFinished !== undefined) {
      for (let index = 0; index < attempts.length; index += 1) {
        observer.attemptFinished(attemptEvent(attempts[index] as AttemptSummary, base, at, index, base.outcome === 'ok' && index === attempts.length - 1));
      }
    }
    // The base is this request's own object: completed in place (its keys keep their order, the
    // three added last) rather than copied into a new one.
    const event = base as FinishedBase & Partial<Pick<RequestFinishedEvent, 'attempts' | 'at' | 'latencyMs'>>;
    event.attempts = attempts;
    event.at = at;
    event.latencyMs = performance.now() - started;
    observer.requestFinished?.(event as RequestFinishedEvent);
  };

  const failed = (error: unknown, context: RequestContext, endpoint: 'chat' | 'embeddings', streamed: boolean, started: number, request?: ChatRequest): void => {
    const typed = toGatewayError(error);
    const attempts = error instanceof AttemptsExhaustedError ? summarizeAttempts(error.attempts) : [];
    // The engine's failure carries the attempts but not the decision; routing is a pure function,
    // so re-deriving it keeps failed requests in the audit log. The record says it was re-derived.
    let decision: Decision | undefined;
    if (request !== undefined && attempts.length > 0) {
      try {
        const derived = gateway.route(request, context);
        decision = { ...derived, reasons: [...derived.reasons, 're-derived after every attempt failed'] };
      } catch {
        decision = undefined;
      }
    }
    const base: FinishedBase = {
      requestId: context.requestId,
      endpoint,
      streamed,
      outcome: typed.outcome,
      status: typed.status,
      errorCode: typed.code,
      costUsd: 0,
    };
    const last = attempts.at(-1)?.deploymentId ?? typed.deploymentId;
    if (last !== undefined) base.deploymentId = last;
    if (context.principal !== undefined) base.principalId = context.principal.keyId;
    if (decision !== undefined) {
      announce(context, decision);
      base.decisionId = decision.id;
      base.policy = decision.policy;
      base.task = decision.profile.task;
    }
    report(base, attempts, started);
  };

  const begin = (context: RequestContext, endpoint: 'chat' | 'embeddings'): number => {
    observer.requestStarted?.({ requestId: context.requestId, at: now(), endpoint });
    return performance.now();
  };

  const announce = (context: RequestContext, decision: Decision): void => {
    if (observer.decisionMade === undefined) return;
    const event: DecisionMadeEvent = { requestId: context.requestId, at: now(), decision };
    const principalId = context.principal?.keyId;
    if (principalId) event.principalId = principalId;
    observer.decisionMade(event);
  };
  /** The fields every successful endpoint reports, taken from the context and its decision. */
  const finishedBase = (
    context: RequestContext,
    decision: Decision,
    fields: Pick<FinishedBase, 'endpoint' | 'streamed' | 'deploymentId' | 'outcome' | 'usage' | 'costUsd'>,
    ttftMs?: number,
  ): FinishedBase => {
    // Field by field, in the order the spread of `fields` gave: a spread after other properties copies at run time.
    const base: FinishedBase = {
      requestId: context.requestId,
      decisionId: decision.id,
      policy: decision.policy,
      task: decision.profile.task,
      status: 200,
      endpoint: fields.endpoint,
      streamed: fields.streamed,
      deploymentId: fields.deploymentId,
      outcome: fields.outcome,
      usage: fields.usage,
      costUsd: fields.costUsd,
    };
    if (ttftMs !== undefined) base.ttftMs = ttftMs;
    const principalId = context.principal?.keyId;
    if (principalId !== undefined) base.principalId = principalId;
    return base;
  };

  return {
    get summary() {
      return gateway.summary;
    },
    async chat(request, context) {
      const started = begin(context, 'chat');
      let result;
      try {
        result = await gateway.chat(request, context);
      } catch (error) {
        failed(error, context, 'chat', false, started, request);
        throw error;
      }
      announce(context, result.decision);
      const attempts = summarizeAttempts(result.attempts);
      const base = finishedBase(context, result.decision, {
        endpoint: 'chat',
        streamed: false,
        deploymentId: result.deploymentId,
        outcome: 'ok',
        usage: result.usage,
        costUsd: result.costUsd,
      }, result.attempts.at(-1)?.ttftMs);
      if (result.consensus !== undefined) base.consensus = consensusOf(result.consensus);
      if (capture) {
        base.prompt = promptText(request);
        base.completion = result.response.choices.map((choice) => choice.message.content ?? '').join('\n');
      }
      report(base, attempts, started);
      return result;
    },
    async chatStream(request, context) {
      const started = begin(context, 'chat');
      let stream: ChatStream;
      try {
        stream = await gateway.chatStream(request, context);
      } catch (error) {
        failed(error, context, 'chat', true, started, request);
        throw error;
      }
      announce(context, stream.decision);
      const completion: string[] = [];
      const parts = capture ? collectText(stream.parts, completion) : stream.parts;
      const settlement = stream.settlement.then((settled) => {
        const base = finishedBase(context, stream.decision, {
          endpoint: 'chat',
          streamed: true,
          deploymentId: settled.deploymentId,
          outcome: settled.outcome,
          usage: settled.usage,
          costUsd: settled.costUsd,
        }, settled.attempts.at(-1)?.ttftMs);
        if (settled.error !== undefined) base.errorCode = settled.error.code;
        if (stream.consensus !== undefined) base.consensus = consensusOf(stream.consensus);
        if (capture) {
          base.prompt = promptText(request);
          base.completion = completion.join('');
        }
        try {
          report(base, summarizeAttempts(settled.attempts), started);
        } catch {
          // Telemetry never changes how a stream settles.
        }
        return settled;
      });
      return Object.assign({}, stream, { parts, settlement });
    },
    async embed(request, context) {
      const started = begin(context, 'embeddings');
      let result;
      try {
        result = await gateway.embed(request, context);
      } catch (error) {
        failed(error, context, 'embeddings', false, started);
        throw error;
      }
      announce(context, result.decision);
      const base = finishedBase(context, result.decision, {
        endpoint: 'embeddings',
        streamed: false,
        deploymentId: result.deploymentId,
        outcome: 'ok',
        usage: { inputTokens: result.response.usage.inputTokens, outputTokens: 0 },
        costUsd: result.costUsd,
      });
      report(base, summarizeAttempts(result.attempts), started);
      return result;
    },
    route: (request, context) => gateway.route(request, context),
    listModels: () => gateway.listModels(),
    stats: () => gateway.stats(),
    health: () => gateway.health(),
    close: () => gateway.close(),
  };
}

async function* collectText(parts: AsyncIterable<StreamPart>, into: string[]): AsyncIterable<StreamPart> {
  for await (const part of parts) {
    if (part.type === 'text-delta') into.push(part.text);
    yield part;
  }
}
