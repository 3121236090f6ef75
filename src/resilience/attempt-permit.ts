import { toGatewayError } from '../errors/gateway-error.js';
import type { BreakerRegistry, BreakerTicket } from './breaker-registry.js';
import type { ReleaseSlot } from './concurrency-limiter.js';
import type { LiveStatsTracker } from './live-stats-tracker.js';
import type { RateLimiter } from './rate-limiter.js';

export interface AttemptSuccessSample {
  latencyMs?: number;
  /** A stream's time to first token. */
  ttftMs?: number;
  /** A JSON call's time to its whole answer. */
  answerMs?: number;
  /** Tokens the attempt really used, to correct the TPM estimate recorded at admission. */
  tokens?: number;
}

interface PermitParts {
  deploymentId: string;
  ticket: BreakerTicket;
  release: ReleaseSlot;
  breakers: BreakerRegistry;
  stats: LiveStatsTracker;
  rates: RateLimiter;
  estimatedTokens: number;
}

/**
 * One admitted upstream attempt. Settle it exactly once: `succeeded`, `failed` or `abandoned`
 * (aborted without a verdict, e.g. a lost hedge); later calls are ignored.
 */
export class AttemptPermit {
  readonly deploymentId: string;
  /** True when the attempt is a half-open breaker probe. */
  readonly probe: boolean;
  private settled = false;

  constructor(private readonly parts: PermitParts) {
    this.deploymentId = parts.deploymentId;
    this.probe = parts.ticket.probe;
  }

  succeeded(sample: AttemptSuccessSample = {}): void {
    if (!this.settle()) return;
    const { breakers, stats, ticket, rates, deploymentId, estimatedTokens } = this.parts;
    breakers.record(ticket, 'ok');
    stats.end(deploymentId, { outcome: 'ok', ...sample });
    if (sample.tokens !== undefined && sample.tokens !== estimatedTokens) rates.record(deploymentId, { tokens: sample.tokens - estimatedTokens });
  }

  failed(error: unknown, sample: { latencyMs?: number } = {}): void {
    if (!this.settle()) return;
    const typed = toGatewayError(error);
    const { breakers, stats, ticket, deploymentId } = this.parts;
    breakers.recordError(ticket, typed);
    if (typed.code === 'client_closed') stats.end(deploymentId, { outcome: 'invalid_request' });
    else stats.end(deploymentId, { outcome: typed.outcome, ...sample });
  }

  abandoned(): void {
    if (!this.settle()) return;
    const { breakers, stats, ticket, deploymentId } = this.parts;
    breakers.release(ticket);
    // A neutral class: the in-flight count drops, nothing else moves.
    stats.end(deploymentId, { outcome: 'invalid_request' });
  }

  private settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.parts.release();
    return true;
  }
}
