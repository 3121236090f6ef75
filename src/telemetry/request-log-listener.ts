import type { Logger } from 'pino';
import type { GatewayObserver, RequestFinishedEvent, BreakerChangedEvent } from './gateway-observer.js';
import { redactSecrets } from './redact-secrets.js';

export interface RequestLogOptions {
  /** Include prompt and completion text (redacted for obvious secrets). Off by default. */
  logPrompts?: boolean;
  /** Longest prompt or completion text kept in a line, characters (default 4000). */
  maxTextChars?: number;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… [${text.length - max} more characters]`;
}

/**
 * One log line per finished request, and a line per breaker transition. The line carries ids,
 * never credentials: the principal is named by its key id.
 */
export class RequestLogListener implements GatewayObserver {
  private readonly logPrompts: boolean;
  private readonly maxTextChars: number;

  constructor(
    private readonly logger: Logger,
    options: RequestLogOptions = {},
  ) {
    this.logPrompts = options.logPrompts === true;
    this.maxTextChars = options.maxTextChars ?? 4000;
  }

  requestFinished(event: RequestFinishedEvent): void {
    const failed = event.outcome !== 'ok';
    const level = failed && event.status >= 500 ? 'warn' : 'info';
    if (!this.logger.isLevelEnabled(level)) return;
    const line: Record<string, unknown> = {
      event: 'request',
      requestId: event.requestId,
      decisionId: event.decisionId,
      principalId: event.principalId,
      endpoint: event.endpoint,
      policy: event.policy,
      task: event.task,
      deployment: event.deploymentId,
      streamed: event.streamed,
      outcome: event.outcome,
      status: event.status,
      errorCode: event.errorCode,
      attempts: event.attempts.map((a) => ({ deployment: a.deploymentId, role: a.role, outcome: a.outcome, errorCode: a.errorCode, latencyMs: Math.round(a.latencyMs) })),
      inputTokens: event.usage?.inputTokens,
      outputTokens: event.usage?.outputTokens,
      cachedTokens: event.usage?.cachedInputTokens,
      costUsd: event.costUsd,
      latencyMs: Math.round(event.latencyMs),
      ttftMs: event.ttftMs === undefined ? undefined : Math.round(event.ttftMs),
    };
    if (this.logPrompts) {
      if (event.prompt !== undefined) line.prompt = clip(redactSecrets(event.prompt), this.maxTextChars);
      if (event.completion !== undefined) line.completion = clip(redactSecrets(event.completion), this.maxTextChars);
    }
    this.logger[level](line, failed ? `request failed: ${event.errorCode ?? event.outcome}` : 'request');
  }

  breakerChanged(event: BreakerChangedEvent): void {
    this.logger.warn({ event: 'breaker', deployment: event.deploymentId, from: event.from, to: event.to }, `breaker ${event.to}`);
  }
}
