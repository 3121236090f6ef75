import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { finished } from '../../test/dashboard/telemetry-fixtures.js';
import { createTracing, type Tracing } from './create-tracing.js';

describe('RequestTracer', () => {
  let tracing: Tracing | undefined;
  afterEach(async () => {
    await tracing?.shutdown();
  });

  it('makes a server span per request with a client span per attempt and GenAI attributes', async () => {
    const exporter = new InMemorySpanExporter();
    tracing = await createTracing({ exporter, immediate: true });
    const t0 = Date.now();
    tracing.observer.requestStarted({ requestId: 'r1', at: t0, endpoint: 'chat' });
    tracing.observer.attemptFinished({ requestId: 'r1', at: t0 + 100, index: 0, won: false, deploymentId: 'anthropic/claude-x', role: 'first', outcome: 'overloaded', errorCode: 'overloaded', latencyMs: 100 });
    tracing.observer.attemptFinished({ requestId: 'r1', at: t0 + 900, index: 1, won: true, deploymentId: 'openai/gpt-4o', role: 'fallback', outcome: 'ok', latencyMs: 800, ttftMs: 300 });
    tracing.observer.requestFinished(finished('r1', 'openai/gpt-4o', { at: t0 + 900, latencyMs: 900, usage: { inputTokens: 12, outputTokens: 34 } }));
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(3);
    const request = spans.find((s) => s.name === 'chat gpt-4o' && s.attributes['switchyard.request_id'] === 'r1')!;
    expect(request.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.system': 'openai',
      'gen_ai.response.model': 'gpt-4o',
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 34,
      'switchyard.decision_id': 'd-r1',
    });
    const failed = spans.find((s) => s.attributes['gen_ai.request.model'] === 'claude-x')!;
    expect(failed.attributes['error.type']).toBe('overloaded');
    expect(failed.status.code).toBe(2);
    expect(failed.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    expect(failed.spanContext().traceId).toBe(request.spanContext().traceId);
  });

  it('leaves the status of a hedge\'s losing attempt unset: it was cancelled, not failed', async () => {
    const exporter = new InMemorySpanExporter();
    tracing = await createTracing({ exporter, immediate: true });
    const t0 = Date.now();
    tracing.observer.requestStarted({ requestId: 'h1', at: t0, endpoint: 'chat' });
    tracing.observer.attemptFinished({ requestId: 'h1', at: t0 + 300, index: 0, won: false, deploymentId: 'openai/slow', role: 'first', outcome: 'superseded', errorCode: 'superseded', latencyMs: 300 });
    tracing.observer.attemptFinished({ requestId: 'h1', at: t0 + 300, index: 1, won: true, deploymentId: 'openai/fast', role: 'hedge', outcome: 'ok', latencyMs: 100 });
    tracing.observer.requestFinished(finished('h1', 'openai/fast', { at: t0 + 300, latencyMs: 300 }));
    const lost = exporter.getFinishedSpans().find((s) => s.attributes['gen_ai.request.model'] === 'slow')!;
    expect(lost.attributes).toMatchObject({ 'switchyard.attempt.role': 'first', 'error.type': 'superseded' });
    expect(lost.status.code).toBe(0);
  });

  it('needs an OTLP URL or an exporter', async () => {
    await expect(createTracing({})).rejects.toThrow(/OTLP URL/);
  });
});
