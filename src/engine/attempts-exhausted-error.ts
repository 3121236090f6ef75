import { GatewayError } from '../errors/gateway-error.js';
import type { AttemptRecord } from './gateway.js';

/**
 * Every candidate failed. Keeps the last failure's code and status (that is what the client
 * should see) and carries every attempt for logs, the ledger and the `x-switchyard-*` headers.
 */
export class AttemptsExhaustedError extends GatewayError {
  readonly attempts: AttemptRecord[];

  constructor(last: GatewayError, attempts: AttemptRecord[], summary?: string) {
    const message =
      summary !== undefined
        ? summary
        : attempts.length <= 1
        ? last.message
        : `All ${attempts.length} attempts failed: ${attempts.map((a) => `${a.deploymentId}: ${a.message ?? a.outcome}`).join('; ')}`;
    super(last.code, message, {
      cause: last,
      status: last.status,
      outcome: last.outcome,
      param: last.param,
      retryAfterMs: last.retryAfterMs,
      upstreamStatus: last.upstreamStatus,
      deploymentId: last.deploymentId,
    });
    this.attempts = attempts;
  }
}
