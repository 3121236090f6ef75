import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { RequestTracer } from './request-tracer.js';

export interface TracingOptions {
  /** OTLP/HTTP traces endpoint, e.g. `http://collector:4318/v1/traces`. */
  otlpUrl?: string;
  /** Extra headers for the collector (e.g. an auth token). */
  headers?: Record<string, string>;
  /** Use this exporter instead of OTLP (tests pass an in-memory one). */
  exporter?: SpanExporter;
  /** Export each span as it ends instead of in batches (tests). */
  immediate?: boolean;
}

export interface Tracing {
  observer: RequestTracer;
  /** Flushes spans still buffered and stops the exporter. */
  shutdown(): Promise<void>;
}

/**
 * Builds the tracer. The SDK and exporter are loaded only here, on demand, so that a gateway
 * with tracing off (the default) never loads them. The provider is not registered globally: only
 * the gateway's own spans go through it.
 */
export async function createTracing(options: TracingOptions): Promise<Tracing> {
  const sdk = await import('@opentelemetry/sdk-trace-base');
  let exporter = options.exporter;
  if (exporter === undefined) {
    if (options.otlpUrl === undefined) throw new RangeError('tracing needs an OTLP URL or an exporter');
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    exporter = new OTLPTraceExporter(options.headers === undefined ? { url: options.otlpUrl } : { url: options.otlpUrl, headers: options.headers });
  }
  const processor = options.immediate === true ? new sdk.SimpleSpanProcessor(exporter) : new sdk.BatchSpanProcessor(exporter);
  const provider = new sdk.BasicTracerProvider({ spanProcessors: [processor] });
  return {
    observer: new RequestTracer(provider.getTracer('switchyard')),
    shutdown: () => provider.shutdown(),
  };
}
