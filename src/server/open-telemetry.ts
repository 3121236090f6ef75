import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/config-schema.js';
import { GatewayError } from '../errors/gateway-error.js';
import { createTelemetry, type Telemetry } from '../telemetry/create-telemetry.js';
import { createTracing } from '../telemetry/create-tracing.js';
import { SqliteDecisionLog } from '../telemetry/sqlite-decision-log.js';
import type { SqliteWriterThread } from '../telemetry/sqlite-writer-thread.js';

export interface OpenTelemetryOptions {
  /** Overrides `config.dataDir` (the `--data-dir` option). */
  dataDir?: string;
  /** A logger to use instead of one built from `config.logging` (tests). */
  logger?: Logger;
  /** The process's SQLite writer thread: the decision log's records are written there. */
  writerThread?: SqliteWriterThread;
}

/**
 * Builds observability from config, once at start: the logger, metrics, rolling stats, the
 * decision audit log (SQLite in the data directory unless configured to memory) and, when
 * enabled, OTLP tracing.
 */
export async function openTelemetry(config: GatewayConfig, options: OpenTelemetryOptions = {}): Promise<Telemetry> {
  const settings = config.telemetry;
  const retentionMs = settings.decisions.retentionDays * 86_400_000;
  let decisionLog: SqliteDecisionLog | undefined;
  // The log is opened before the logger exists; its write failures reach the logger once it does.
  let reportDecisionLogError: (error: Error) => void = () => {};
  if (settings.decisions.store === 'sqlite') {
    const dir = options.dataDir ?? config.dataDir;
    await mkdir(dir, { recursive: true });
    decisionLog = new SqliteDecisionLog({
      path: join(dir, 'decisions.sqlite'),
      retentionMs,
      onError: (error) => reportDecisionLogError(error),
      ...(options.writerThread === undefined ? {} : { writerThread: options.writerThread }),
    });
  }
  let tracing;
  if (settings.tracing.enabled) {
    if (settings.tracing.otlpUrl === undefined) throw new GatewayError('invalid_config', 'telemetry.tracing.enabled needs telemetry.tracing.otlpUrl.');
    tracing = await createTracing({ otlpUrl: settings.tracing.otlpUrl, ...(settings.tracing.headers ? { headers: settings.tracing.headers } : {}) });
  }
  const telemetry = createTelemetry({
    ...(options.logger ? { logger: options.logger } : {}),
    logging: { level: config.logging.level, logPrompts: config.logging.logPrompts },
    metrics: { processMetrics: settings.processMetrics },
    ...(decisionLog ? { decisionLog } : { decisions: { maxRecords: settings.decisions.maxRecords, retentionMs } }),
    ...(tracing ? { tracing } : {}),
  });
  reportDecisionLogError = (error) => telemetry.logger.error({ err: error }, 'decision log write failed');
  return telemetry;
}
