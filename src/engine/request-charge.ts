import type { OutcomeClass } from '../spec/outcome-class.js';
import type { Usage } from '../spec/usage.js';
import type { Accounting } from '../accounting/accounting.js';
import type { Reservation } from '../accounting/reservation.js';
import type { LedgerEntry } from '../state/ledger-entry.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { AttemptRecord } from './gateway.js';
import { timeOrderedUuid } from './time-ordered-uuid.js';

/** How a request ended, for its ledger row. */
export interface RequestOutcome {
  outcome: OutcomeClass;
  deploymentId?: string;
  usage?: Usage;
  attempts: readonly AttemptRecord[];
  decisionId?: string;
  errorCode?: string;
  ttftMs?: number;
  /** The cost of one attempt's usage on its deployment. */
  costOf(deploymentId: string, usage: Usage): number;
}

export interface RequestChargeOptions {
  accounting: Accounting;
  principal: { keyId?: string; team?: string } | undefined;
  requestId: string;
  streamed: boolean;
  now: () => number;
  /** Told the request's real token count once, to correct a rate limiter's up-front estimate. */
  onTokens?(tokens: number): void;
}

/** Whose budgets apply to a request without a key: the gateway's alone. */
export const NO_CALLER: { keyId?: string; team?: string } = Object.freeze({});

/**
 * The money side of one client request: a reservation per upstream attempt (first call,
 * fallbacks, hedges), each settled with what its attempt cost or released, and at the end one
 * durable request row plus one row per attempt. The request row's cost is the sum of what its
 * reservations settled and its start the first reservation's time, as the budgets' rebuild
 * from the ledger expects.
 */
export class RequestCharge {
  private readonly options: RequestChargeOptions;
  /**
   * Reservations not yet settled or released, in the order taken. Arrays rather than sets: a
   * request holds one or a few, and this is made for every request.
   */
  private open: Reservation[] = [];
  /** Held ahead of an attempt that may never start (admission can refuse it): nobody else frees them. */
  private unclaimed: Reservation[] | undefined;
  /** Made by the first `drain` that has to wait. */
  private waiters: Array<() => void> | undefined;
  private settledUsd = 0;
  private firstReservedAt: number | undefined;
  private readonly startedAt: number;
  private finished = false;

  constructor(options: RequestChargeOptions) {
    this.options = options;
    this.startedAt = options.now();
  }

  /** Holds the worst-case cost of one attempt; throws `budget_exceeded` (429) when it does not fit. */
  reserve(maxCostUsd: number): Promise<Reservation> {
    return this.hold(maxCostUsd, false);
  }

  /**
   * `reserve` ahead of an attempt that may never be made (the first call, reserved before the
   * loop so that a request over budget fails before routing work). Unless `claim`ed by the
   * attempt, `drain` frees it at once instead of waiting for a settlement that will not come.
   */
  reserveAhead(maxCostUsd: number): Promise<Reservation> {
    return this.hold(maxCostUsd, true);
  }

  /** The attempt a `reserveAhead` reservation was held for has started; it settles or releases it. */
  claim(reservation: Reservation): void {
    if (this.unclaimed !== undefined) remove(this.unclaimed, reservation);
  }

  /**
   * `reserve` for an attempt inside the loop (a retry, fallback or hedge). A refusal there says
   * nothing about the deployment, so it goes out with a neutral outcome: the resilience layer
   * must not cool the deployment down or open its breaker for the caller's empty budget, nor
   * retry it. The client still gets 429 `budget_exceeded`.
   */
  async reserveForAttempt(maxCostUsd: number): Promise<Reservation> {
    try {
      return await this.reserve(maxCostUsd);
    } catch (error) {
      if (error instanceof GatewayError && error.code === 'budget_exceeded') {
        throw new GatewayError('budget_exceeded', error.message, { cause: error, outcome: 'invalid_request' });
      }
      throw error;
    }
  }

  /** Records what the attempt cost and frees the rest. Safe to call again (a finalizer after a cut). */
  async settle(reservation: Reservation, costUsd: number): Promise<void> {
    if (!remove(this.open, reservation)) return;
    try {
      if (await this.options.accounting.budgets.settle(reservation, costUsd)) this.settledUsd += Math.max(0, costUsd);
    } finally {
      this.wake();
    }
  }

  /** Frees a reservation whose attempt cost nothing (or nothing we can know of). */
  async release(reservation: Reservation): Promise<void> {
    if (!remove(this.open, reservation)) return;
    try {
      await this.options.accounting.budgets.release(reservation);
    } finally {
      this.wake();
    }
  }

  /**
   * Runs one attempt under a reservation: `reserved` when the caller already holds one for it,
   * else a new one of `maxCostUsd`. Settles with the answer's cost, releases on failure.
   */
  async around<T>(maxCostUsd: number, reserved: Reservation | undefined, run: () => Promise<T>, costOf: (value: T) => number): Promise<T> {
    const reservation = reserved ?? (await this.reserveForAttempt(maxCostUsd));
    let value: T;
    try {
      value = await run();
    } catch (error) {
      await this.release(reservation);
      throw error;
    }
    await this.settle(reservation, costOf(value));
    return value;
  }

  /** Resolves once every reservation is settled or released, or after `graceMs` (then frees what is left). */
  async drain(graceMs = 5_000): Promise<void> {
    const unclaimed = this.unclaimed;
    this.unclaimed = undefined;
    if (unclaimed !== undefined && unclaimed.length > 0) await Promise.all(unclaimed.map((reservation) => this.release(reservation)));
    if (this.open.length === 0) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), graceMs);
      timer.unref();
    });
    const emptied = new Promise<boolean>((resolve) => {
      const check = (): void => {
        if (this.open.length === 0) resolve(false);
        else (this.waiters ??= []).push(check);
      };
      check();
    });
    const late = await Promise.race([emptied, timedOut]);
    clearTimeout(timer);
    if (late) await Promise.all([...this.open].map((r) => this.release(r)));
  }

  /** The money this request has settled so far. */
  get costUsd(): number {
    return this.settledUsd;
  }

  /**
   * Frees whatever is still held and writes the request row (durably: resolves once it is on
   * disk) and the attempt rows (in the background). Call once, before the response's last byte.
   */
  async finish(result: RequestOutcome): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    if (this.open.length > 0) await Promise.all([...this.open].map((r) => this.release(r)));
    const { accounting, principal, requestId, streamed } = this.options;
    const endedAt = this.options.now();
    // Request ids may come from the client and repeat; a row id must not, or the ledger would drop the row.
    const rowId = timeOrderedUuid();
    const startedAt = this.firstReservedAt ?? this.startedAt;
    // Rows are built field by field: a literal that starts with a spread (`{ ...base, id, ... }`)
    // takes V8's slow path for every property after it, about 25 us and 5 kB of garbage per row.
    const attempts = result.attempts;
    // Sized up front: an array grown by push gets room for 16 more.
    const attemptRows = new Array<LedgerEntry>(attempts.length);
    for (let index = 0; index < attempts.length; index++) {
      const attempt = attempts[index]!;
      const row = withCaller(principal, result.decisionId, {
        id: `${rowId}#${index}`,
        kind: 'attempt',
        requestId,
        attempt: index,
        deploymentId: attempt.deploymentId,
        inputTokens: attempt.usage?.inputTokens ?? 0,
        outputTokens: attempt.usage?.outputTokens ?? 0,
        cachedInputTokens: attempt.usage?.cachedInputTokens ?? 0,
        costUsd: attempt.usage === undefined ? 0 : result.costOf(attempt.deploymentId, attempt.usage),
        latencyMs: attempt.latencyMs,
        outcome: attempt.outcome,
        cacheHit: false,
        streamed,
        startedAt,
        endedAt,
      });
      if (attempt.ttftMs !== undefined) row.ttftMs = attempt.ttftMs;
      if (attempt.errorCode !== undefined) row.errorCode = attempt.errorCode;
      attemptRows[index] = row;
    }
    const usage = result.usage;
    const row = withCaller(principal, result.decisionId, {
      id: rowId,
      kind: 'request',
      requestId,
      inputTokens: usage?.inputTokens ?? 0,
      outputTokens: usage?.outputTokens ?? 0,
      cachedInputTokens: usage?.cachedInputTokens ?? 0,
      costUsd: this.settledUsd,
      latencyMs: Math.max(0, endedAt - this.startedAt),
      outcome: result.outcome,
      cacheHit: false,
      streamed,
      startedAt,
      endedAt,
    });
    if (result.deploymentId !== undefined) row.deploymentId = result.deploymentId;
    if (result.ttftMs !== undefined) row.ttftMs = result.ttftMs;
    if (result.errorCode !== undefined) row.errorCode = result.errorCode;
    if (usage !== undefined) this.options.onTokens?.(usage.inputTokens + usage.outputTokens);
    if (attemptRows.length > 0) accounting.ledger.record(...attemptRows);
    await accounting.ledger.recordDurably(row);
  }

  /** `reserve` and `reserveAhead` in one step each, rather than one awaiting the other. */
  private async hold(maxCostUsd: number, ahead: boolean): Promise<Reservation> {
    const reservation = await this.options.accounting.budgets.reserve({
      principal: this.options.principal ?? NO_CALLER,
      amountUsd: Math.max(0, maxCostUsd),
      requestId: this.options.requestId,
    });
    this.firstReservedAt ??= reservation.createdAt;
    // Most requests hold one reservation at a time: a one-element literal, not an empty array grown by push.
    if (this.open.length === 0) this.open = [reservation];
    else this.open.push(reservation);
    if (ahead) (this.unclaimed ??= []).push(reservation);
    return reservation;
  }

  private wake(): void {
    if (this.waiters === undefined || this.waiters.length === 0) return;
    const waiting = this.waiters.splice(0);
    for (const waiter of waiting) waiter();
  }
}

/** Removes `item` from `list`; false when it was not there. */
function remove<T>(list: T[], item: T): boolean {
  const index = list.indexOf(item);
  if (index < 0) return false;
  list.splice(index, 1);
  return true;
}

/** Stamps a ledger row with the caller and the routing decision, when known. */
function withCaller(principal: RequestChargeOptions['principal'], decisionId: string | undefined, row: LedgerEntry): LedgerEntry {
  if (principal?.keyId !== undefined) row.keyId = principal.keyId;
  if (principal?.team !== undefined) row.team = principal.team;
  if (decisionId !== undefined) row.decisionId = decisionId;
  return row;
}
