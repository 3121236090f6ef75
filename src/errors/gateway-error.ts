import type { GatewayErrorInfo } from '../spec/gateway-error-info.js';
import type { OutcomeClass } from '../spec/outcome-class.js';
import { ERROR_CODES, type ErrorCode } from './error-codes.js';

export interface GatewayErrorOptions {
  /** The offending request field, for OpenAI's `param`. */
  param?: string;
  cause?: unknown;
  /** Overrides the table's status, e.g. to pass through an upstream's 4xx. */
  status?: number;
  /** Overrides the table's outcome class. */
  outcome?: OutcomeClass;
  /** How long the upstream asked us to wait (retry-after), in ms. */
  retryAfterMs?: number;
  /** The upstream HTTP status, where the error came from one. */
  upstreamStatus?: number;
  /** The deployment the error came from, where it came from one. */
  deploymentId?: string;
  /** Overrides the table's `retryable` where one case of a code cannot help on retry (e.g. an exhausted quota behind a 429). */
  retryable?: boolean;
}

/** Every error the gateway raises on purpose. Status, type and retryability come from ERROR_CODES. */
export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly type: string;
  readonly retryable: boolean;
  readonly outcome: OutcomeClass;
  readonly param: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly upstreamStatus: number | undefined;
  readonly deploymentId: string | undefined;

  constructor(code: ErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const info = ERROR_CODES[code];
    this.code = code;
    this.status = options.status ?? info.status;
    this.type = info.type;
    this.retryable = options.retryable ?? info.retryable;
    this.outcome = options.outcome ?? info.outcome;
    this.param = options.param;
    this.retryAfterMs = options.retryAfterMs;
    this.upstreamStatus = options.upstreamStatus;
    this.deploymentId = options.deploymentId;
  }

  toInfo(): GatewayErrorInfo {
    return { code: this.code, message: this.message, outcome: this.outcome, status: this.status };
  }
}

export function isGatewayError(error: unknown): error is GatewayError {
  return error instanceof GatewayError;
}

/** Wraps anything thrown into a GatewayError; unknown errors become `internal`. */
export function toGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new GatewayError('internal', message, { cause: error });
}
