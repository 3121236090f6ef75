import { GatewayError } from '../errors/gateway-error.js';
import type { Accounting } from '../accounting/accounting.js';
import type { AdminService } from '../accounting/admin-service.js';
import type { Principal } from '../accounting/principal.js';
import type { BudgetRecord } from '../state/budget-record.js';
import { SlidingWindowRateLimiter, type RateLimit, type RateLimiter, type RateUsage } from '../resilience/rate-limiter.js';
import type { RequestContext } from './gateway.js';
import { NO_CALLER, RequestCharge, type RequestChargeOptions } from './request-charge.js';

export type { Principal } from '../accounting/principal.js';

/** The admin operations the server exposes: parsed JSON in, JSON-ready views out. */
export type AdminOperations = Pick<AdminService, 'createKey' | 'listKeys' | 'getKey' | 'revokeKey' | 'setBudget' | 'getBudgets' | 'deleteBudget' | 'spendReport'>;

/** What the server needs of cost control, without reaching into the accounting layer itself. */
export interface GatewayAccess {
  /** With keys enabled every `/v1/*` call must carry a virtual key. */
  readonly keysRequired: boolean;
  /** The caller of an `Authorization` header value; throws `unauthorized` (401). */
  authenticate(authorization: string | undefined): Promise<Principal>;
  readonly admin: AdminOperations;
  /** Money held by requests in flight. */
  reservations(): { count: number; totalUsd: number };
}

/** The caller's tightest budget, as routing sees it. */
export interface BudgetPressure {
  remainingFraction: number;
  remainingUsd: number;
  /** e.g. `team "ml" monthly budget`, for decision reasons. */
  label: string;
}

export interface GatewayAccountingOptions {
  accounting: Accounting;
  keysRequired: boolean;
  now?: () => number;
  /** How often the spend-rate anomaly rule is checked even when no spend arrives (default 5 min; 0: never). */
  anomalyCheckMs?: number;
  /**
   * Per-key RPM/TPM shared with other gateway processes (Redis, scale-out), under `key:<key id>`;
   * its limits come from `keyRateLimit`. This process's own window by default.
   */
  sharedRates?: SharedRateLimiter;
}

/** A rate limiter whose check-and-count is one atomic step on shared state. */
export type SharedRateLimiter = RateLimiter & { acquire(key: string, usage: RateUsage): Promise<boolean> };

const PERIOD_WORDS: Record<string, string> = { day: 'daily', week: 'weekly', month: 'monthly', total: 'total' };

/**
 * Cost control as the engine uses it: per-key rate limits, a `RequestCharge` per request
 * (reservations, settlement, ledger rows), the caller's budget pressure for routing, and the
 * narrow surface the server gets through `GatewayAccess`.
 */
export class GatewayAccounting implements GatewayAccess {
  readonly keysRequired: boolean;
  readonly admin: AdminOperations;
  readonly accounting: Accounting;
  private readonly now: () => number;
  private readonly limits = new Map<string, RateLimit>();
  private readonly limiter: RateLimiter;
  private readonly shared: SharedRateLimiter | undefined;
  private readonly anomalyTimer: ReturnType<typeof setInterval> | undefined;
  private readonly labels = new WeakMap<BudgetRecord, string>();

  constructor(options: GatewayAccountingOptions) {
    this.accounting = options.accounting;
    this.keysRequired = options.keysRequired;
    this.admin = options.accounting.admin;
    this.now = options.now ?? Date.now;
    this.shared = options.sharedRates;
    this.limiter = new SlidingWindowRateLimiter({ limitFor: (keyId) => this.limits.get(keyId) });
    const every = options.anomalyCheckMs ?? 300_000;
    if (every > 0 && this.accounting.anomalies !== undefined) {
      // Each settlement checks its scopes; the timer also judges the gateway's rate between
      // settlements (e.g. right after a restart, from the history rebuilt out of the ledger).
      this.anomalyTimer = setInterval(() => {
        void this.accounting.anomalies?.onSpend({ target: {}, amountUsd: 0, at: this.now(), budgets: [] });
      }, every);
      this.anomalyTimer.unref();
    }
  }

  authenticate(authorization: string | undefined): Promise<Principal> {
    return this.accounting.keys.authenticate(authorization);
  }

  reservations(): { count: number; totalUsd: number } {
    return this.accounting.budgets.outstandingReservations();
  }

  /** With keys required, no endpoint runs for an unauthenticated caller, whatever the server did. */
  requireCaller(context: RequestContext): void {
    if (context.principal === undefined && this.keysRequired) {
      throw new GatewayError('unauthorized', 'Missing API key: send it as "Authorization: Bearer <key>".');
    }
  }

  /** The RPM/TPM of a key seen on a request, for the shared limiter (`key:<id>`). */
  keyRateLimit(keyId: string): RateLimit | undefined {
    return this.limits.get(keyId);
  }

  /**
   * Admits one request: refuses an unauthenticated call when keys are required (whatever the
   * endpoint) and a key over its RPM or TPM limit (`estimatedTokens` counts up front, corrected
   * once the real usage is known), then opens the request's charge.
   */
  async begin(context: RequestContext, options: { streamed: boolean; estimatedTokens: number }): Promise<RequestCharge> {
    this.requireCaller(context);
    const principal = context.principal;
    let onTokens: ((tokens: number) => void) | undefined;
    const limits = principal?.rateLimits;
    if (principal !== undefined && limits !== undefined && (limits.rpm !== undefined || limits.tpm !== undefined)) {
      const keyId = principal.keyId;
      const limit: RateLimit = {};
      if (limits.rpm !== undefined) limit.requestsPerMinute = limits.rpm;
      if (limits.tpm !== undefined) limit.tokensPerMinute = limits.tpm;
      this.limits.set(keyId, limit);
      const estimate = limits.tpm === undefined ? 0 : options.estimatedTokens;
      const { limiter, key } = this.keyWindow(keyId);
      const admitted =
        this.shared === undefined ? limiter.tryRecord(key, { requests: 1, tokens: estimate }) : await this.shared.acquire(key, { requests: 1, tokens: estimate });
      if (!admitted) {
        const what = limits.rpm !== undefined && limiter.wouldExceed(key, { requests: 1 }) ? `${limits.rpm} requests` : `${limits.tpm ?? 0} tokens`;
        throw new GatewayError('rate_limited', `Rate limit of this API key reached: ${what} per minute.`, { retryAfterMs: 5_000 });
      }
      if (limits.tpm !== undefined) onTokens = (tokens) => limiter.record(key, { tokens: tokens - estimate });
    }
    // Set after the literal, not spread into it: a conditional spread sends the literal down V8's slow path.
    const chargeOptions: RequestChargeOptions = { accounting: this.accounting, principal, requestId: context.requestId, streamed: options.streamed, now: this.now };
    if (onTokens !== undefined) chargeOptions.onTokens = onTokens;
    return new RequestCharge(chargeOptions);
  }

  /**
   * Admits a request answered from the response cache: it counts against the key's requests per
   * minute (it is a request the caller made, and RPM limits exist to bound how often a key may
   * call), but not against tokens per minute or spend, since no upstream token was used.
   * Throws `rate_limited` (429) when the key is at its RPM limit.
   */
  admitCacheHit(context: RequestContext): void {
    this.requireCaller(context);
    const principal = context.principal;
    const rpm = principal?.rateLimits?.rpm;
    if (principal === undefined || rpm === undefined) return;
    // Synchronous: with shared limits this checks the totals last seen and counts the hit
    // in the background, so hits may pass a shared limit by the few in flight.
    const { limiter, key } = this.keyWindow(principal.keyId);
    if (limiter.usage(key).requests + 1 > rpm) {
      throw new GatewayError('rate_limited', `Rate limit of this API key reached: ${rpm} requests per minute.`, { retryAfterMs: 5_000 });
    }
    limiter.record(key, { requests: 1 });
  }

  /** Where a key's requests are counted: the shared limiter under `key:<id>`, else this process's window. */
  private keyWindow(keyId: string): { limiter: RateLimiter; key: string } {
    return this.shared === undefined ? { limiter: this.limiter, key: keyId } : { limiter: this.shared, key: `key:${keyId}` };
  }

  /**
   * The caller's tightest budget. Undefined at once when no budget applies, which is known
   * without reading a counter: most requests then route without waiting for a promise.
   */
  budgetPressure(principal: { keyId?: string; team?: string } | undefined): Promise<BudgetPressure | undefined> | undefined {
    const target = principal ?? NO_CALLER;
    return this.accounting.budgets.hasBudgets(target) ? this.pressureOf(target) : undefined;
  }

  private async pressureOf(target: { keyId?: string; team?: string }): Promise<BudgetPressure | undefined> {
    const tightest = await this.accounting.budgets.tightestBudget(target);
    if (tightest === undefined) return undefined;
    return { remainingFraction: tightest.remainingShare, remainingUsd: tightest.remainingUsd, label: this.labelOf(tightest.budget) };
  }

  /** e.g. `team "ml" monthly budget`; made once per budget record (a changed budget is a new record). */
  private labelOf(budget: BudgetRecord): string {
    let label = this.labels.get(budget);
    if (label === undefined) {
      const whose = budget.scope === 'global' ? 'gateway' : budget.scope === 'key' ? `key ${budget.scopeId}` : `team "${budget.scopeId}"`;
      label = `${whose} ${PERIOD_WORDS[budget.period] ?? budget.period} budget`;
      this.labels.set(budget, label);
    }
    return label;
  }

  close(): Promise<void> {
    clearInterval(this.anomalyTimer);
    return this.accounting.close();
  }
}
