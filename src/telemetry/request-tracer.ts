import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import { isFailedOutcome } from '../spec/outcome-class.js';
import type { AttemptFinishedEvent, GatewayObserver, RequestFinishedEvent, RequestStartedEvent } from './gateway-observer.js';

/** Spans of requests whose finish never arrived are dropped past this many. */
const MAX_OPEN = 10_000;

/** `openai/gpt-4o-mini` → provider `openai`, model `gpt-4o-mini`. */
function splitDeployment(deploymentId: string): { system: string; model: string } {
  const slash = deploymentId.indexOf('/');
  return slash === -1 ? { system: deploymentId, model: deploymentId } : { system: deploymentId.slice(0, slash), model: deploymentId.slice(slash + 1) };
}

function usageAttributes(attributes: Attributes, usage: RequestFinishedEvent['usage']): void {
  if (usage === undefined) return;
  attributes['gen_ai.usage.input_tokens'] = usage.inputTokens;
  attributes['gen_ai.usage.output_tokens'] = usage.outputTokens;
  if (usage.cachedInputTokens !== undefined) attributes['gen_ai.usage.cache_read.input_tokens'] = usage.cachedInputTokens;
}

/**
 * A span per request (`SpanKind.SERVER`) with a child span per upstream attempt
 * (`SpanKind.CLIENT`), carrying the OpenTelemetry GenAI semantic-convention attributes. Span
 * times come from the events, so attempts reported after the fact still get their real duration.
 */
export class RequestTracer implements GatewayObserver {
  private readonly open = new Map<string, Span>();

  constructor(private readonly tracer: Tracer) {}

  requestStarted(event: RequestStartedEvent): void {
    if (this.open.size >= MAX_OPEN) return;
    this.open.set(event.requestId, this.tracer.startSpan(`${event.endpoint} switchyard`, { kind: SpanKind.SERVER, startTime: event.at }));
  }

  attemptFinished(event: AttemptFinishedEvent): void {
    const parent = this.open.get(event.requestId);
    const { system, model } = splitDeployment(event.deploymentId);
    const attributes: Attributes = {
      'gen_ai.operation.name': 'chat',
      'gen_ai.system': system,
      'gen_ai.provider.name': system,
      'gen_ai.request.model': model,
      'switchyard.deployment': event.deploymentId,
      'switchyard.attempt.index': event.index,
      'switchyard.attempt.role': event.role,
      'switchyard.attempt.outcome': event.outcome,
      'switchyard.attempt.won': event.won,
    };
    if (event.ttftMs !== undefined) attributes['switchyard.ttft_ms'] = event.ttftMs;
    if (event.errorCode !== undefined) attributes['error.type'] = event.errorCode;
    const context = parent === undefined ? undefined : trace.setSpan(ROOT_CONTEXT, parent);
    const span = this.tracer.startSpan(`chat ${model}`, { kind: SpanKind.CLIENT, startTime: event.at - event.latencyMs, attributes }, context);
    // A hedge or race leg that lost was cancelled by us, not failed: its status stays unset.
    if (isFailedOutcome(event.outcome)) span.setStatus({ code: SpanStatusCode.ERROR, message: event.errorCode ?? event.outcome });
    span.end(event.at);
  }

  requestFinished(event: RequestFinishedEvent): void {
    let span = this.open.get(event.requestId);
    this.open.delete(event.requestId);
    span ??= this.tracer.startSpan(`${event.endpoint} switchyard`, { kind: SpanKind.SERVER, startTime: event.at - event.latencyMs });
    const attributes: Attributes = {
      'gen_ai.operation.name': event.endpoint === 'chat' ? 'chat' : 'embeddings',
      'switchyard.request_id': event.requestId,
      'switchyard.outcome': event.outcome,
      'switchyard.attempts': event.attempts.length,
      'switchyard.cost_usd': event.costUsd,
      'switchyard.streamed': event.streamed,
      'http.response.status_code': event.status,
    };
    if (event.deploymentId !== undefined) {
      const { system, model } = splitDeployment(event.deploymentId);
      attributes['gen_ai.system'] = system;
      attributes['gen_ai.provider.name'] = system;
      attributes['gen_ai.response.model'] = model;
      attributes['switchyard.deployment'] = event.deploymentId;
      span.updateName(`${event.endpoint} ${model}`);
    }
    if (event.decisionId !== undefined) attributes['switchyard.decision_id'] = event.decisionId;
    if (event.policy !== undefined) attributes['switchyard.policy'] = event.policy;
    if (event.task !== undefined) attributes['switchyard.task'] = event.task;
    if (event.errorCode !== undefined) attributes['error.type'] = event.errorCode;
    usageAttributes(attributes, event.usage);
    span.setAttributes(attributes);
    if (event.outcome !== 'ok') span.setStatus({ code: SpanStatusCode.ERROR, message: event.errorCode ?? event.outcome });
    span.end(event.at);
  }
}
