import { randomUUID } from 'node:crypto';
import { GatewayError } from '../errors/gateway-error.js';
import { GLOBAL_SCOPE_ID, budgetId, type BudgetPeriod, type BudgetRecord, type BudgetScope } from '../state/budget-record.js';
import type { BudgetStore } from '../state/budget-store.js';
import type { LedgerStore, ScopeSpend } from '../state/ledger-store.js';
import { nanosToUsd, usdToNanos, usdToNanosCeil } from '../state/usd-nanos.js';
import type { AccountingLogger } from './accounting-logger.js';
import { silentLogger } from './accounting-logger.js';
import type { BudgetCounter } from './budget-counter.js';
import { BudgetExceededError } from './budget-exceeded-error.js';
import { periodEnd, periodStart } from './budget-period.js';
import { systemClock, type Clock } from './clock.js';
import { MemoryBudgetCounter } from './memory-budget-counter.js';
import type { Reservation } from './reservation.js';

/** Whose budgets apply: a principal, or any object carrying its key and team. */
export interface BudgetTarget {
  keyId?: string;
  team?: string;
}

export interface SetBudgetInput {
  scope: BudgetScope;
  /** Key id or team name; ignored for the global scope. */
  scopeId?: string;
  period: BudgetPeriod;
  limitUsd: number;
  alertThresholds?: number[];
}

export interface BudgetStatus {
  budget: BudgetRecord;
  /** Epoch ms. */
  periodStart: number;
  /** Epoch ms of the next reset; undefined for `total`. */
  resetsAt: number | undefined;
  spentUsd: number;
  reservedUsd: number;
  remainingUsd: number;
  /** remainingUsd / limit, in [0, 1]. */
  remainingShare: number;
}

/** What listeners (alerts, anomaly detection, metrics) learn after each settlement. */
export interface SpendEvent {
  target: BudgetTarget;
  amountUsd: number;
  /** Epoch ms of the settlement. */
  at: number;
  /** The status of every budget the settlement charged, after it. */
  budgets: BudgetStatus[];
}

export type SpendListener = (event: SpendEvent) => void | Promise<void>;

export interface BudgetServiceOptions {
  budgets: BudgetStore;
  ledger: LedgerStore;
  counter?: BudgetCounter;
  clock?: Clock;
  logger?: AccountingLogger;
}

/**
 * Budgets with reservations. Before an upstream call the engine reserves the worst-case cost in
 * every budget that applies (key, team, gateway) at once or not at all; afterwards it settles the
 * real cost, which frees the rest. The counters are authoritative in memory; settled spend is
 * durable through the ledger, from which `load()` rebuilds the counters at start, with no
 * reservations outstanding: a reservation lost in a crash cannot leak.
 */
export class BudgetService {
  private readonly store: BudgetStore;
  private readonly ledger: LedgerStore;
  private readonly counter: BudgetCounter;
  private readonly clock: Clock;
  private readonly logger: AccountingLogger;
  private readonly byId = new Map<string, BudgetRecord>();
  /** `<scope>:<scopeId>` -> its budgets, one per period. */
  private readonly byTarget = new Map<string, BudgetRecord[]>();
  private readonly outstanding = new Map<string, Reservation>();
  private readonly listeners: SpendListener[] = [];

  constructor(options: BudgetServiceOptions) {
    this.store = options.budgets;
    this.ledger = options.ledger;
    this.counter = options.counter ?? new MemoryBudgetCounter();
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
  }

  /** Loads the budgets and rebuilds their current spend from the ledger. Call once before use. */
  async load(): Promise<void> {
    const budgets = await this.store.listBudgets();
    this.byId.clear();
    this.byTarget.clear();
    for (const budget of budgets) this.index(budget);
    const spendCache = new Map<number, Promise<ScopeSpend[]>>();
    await Promise.all(budgets.map((b) => this.initialiseSlot(b, spendCache)));
  }

  onSpend(listener: SpendListener): void {
    this.listeners.push(listener);
  }

  async setBudget(input: SetBudgetInput): Promise<BudgetStatus> {
    if (!(Number.isFinite(input.limitUsd) && input.limitUsd >= 0)) {
      throw new GatewayError('invalid_request', 'limitUsd must be a finite amount of at least 0.', { param: 'limit_usd' });
    }
    const scopeId = input.scope === 'global' ? GLOBAL_SCOPE_ID : input.scopeId;
    if (scopeId === undefined || scopeId === '') {
      throw new GatewayError('invalid_request', `A ${input.scope} budget needs a scope id.`, { param: 'scope_id' });
    }
    const id = budgetId(input.scope, scopeId, input.period);
    const now = this.clock();
    const budget: BudgetRecord = {
      id, scope: input.scope, scopeId, period: input.period, limitUsd: input.limitUsd,
      createdAt: this.byId.get(id)?.createdAt ?? now, updatedAt: now,
    };
    if (input.alertThresholds !== undefined) budget.alertThresholds = [...input.alertThresholds].sort((a, b) => a - b);
    await this.store.putBudget(budget);
    this.index(budget);
    await this.initialiseSlot(budget, new Map());
    return this.status(budget, now);
  }

  async deleteBudget(id: string): Promise<boolean> {
    const deleted = await this.store.deleteBudget(id);
    const budget = this.byId.get(id);
    if (budget) {
      this.byId.delete(id);
      const key = targetKey(budget.scope, budget.scopeId);
      const rest = (this.byTarget.get(key) ?? []).filter((b) => b.id !== id);
      if (rest.length > 0) this.byTarget.set(key, rest);
      else this.byTarget.delete(key);
    }
    return deleted || budget !== undefined;
  }

  /** Every budget, or those of one scope (and scope id), with current spend. */
  async getBudgets(filter: { scope?: BudgetScope; scopeId?: string } = {}): Promise<BudgetStatus[]> {
    const now = this.clock();
    const budgets = [...this.byId.values()]
      .filter((b) => (filter.scope === undefined || b.scope === filter.scope) && (filter.scopeId === undefined || b.scopeId === filter.scopeId))
      .sort((a, b) => a.id.localeCompare(b.id));
    return Promise.all(budgets.map((b) => this.status(b, now)));
  }

  /** The budgets that apply to a caller: its key's, its team's and the gateway's. */
  budgetsFor(target: BudgetTarget): BudgetRecord[] {
    const found: BudgetRecord[] = [];
    if (target.keyId !== undefined) found.push(...(this.byTarget.get(targetKey('key', target.keyId)) ?? []));
    if (target.team !== undefined) found.push(...(this.byTarget.get(targetKey('team', target.team)) ?? []));
    found.push(...(this.byTarget.get(targetKey('global', GLOBAL_SCOPE_ID)) ?? []));
    return found;
  }

  /**
   * Holds `amountUsd` in every applicable budget, all or nothing. Throws BudgetExceededError
   * (`budget_exceeded`, 429) naming the first budget it did not fit in.
   */
  async reserve(input: { principal: BudgetTarget; amountUsd: number; requestId: string }): Promise<Reservation> {
    if (!(Number.isFinite(input.amountUsd) && input.amountUsd >= 0)) {
      throw new GatewayError('internal', `cannot reserve ${input.amountUsd} USD`);
    }
    const now = this.clock();
    const budgets = this.budgetsFor(input.principal);
    const amountNanos = usdToNanosCeil(input.amountUsd);
    const charges = budgets.map((b) => ({ slot: slotName(b, now), limitNanos: usdToNanos(b.limitUsd) }));
    const outcome = await this.counter.tryReserve(charges, amountNanos);
    if (!outcome.ok) {
      const budget = budgets[charges.findIndex((c) => c.slot === outcome.slot)];
      if (budget === undefined) throw new GatewayError('internal', `budget counter refused an unknown slot ${outcome.slot}`);
      throw new BudgetExceededError(budget, nanosToUsd(outcome.usedNanos), input.amountUsd);
    }
    const reservation: Reservation = {
      id: randomUUID(), requestId: input.requestId, amountUsd: input.amountUsd, amountNanos,
      budgetIds: budgets.map((b) => b.id), slots: charges.map((c) => c.slot), createdAt: now,
    };
    if (input.principal.keyId !== undefined) reservation.keyId = input.principal.keyId;
    if (input.principal.team !== undefined) reservation.team = input.principal.team;
    this.outstanding.set(reservation.id, reservation);
    return reservation;
  }

  /**
   * Records the real cost and frees the rest of the reservation. Returns false (and does nothing)
   * when the reservation was already settled or released, so that a finalizer may call it again.
   * The cost is recorded even above the reservation: spend is never under-reported.
   */
  async settle(reservation: Reservation, actualUsd: number): Promise<boolean> {
    if (!this.outstanding.delete(reservation.id)) return false;
    const actualNanos = usdToNanos(Number.isFinite(actualUsd) ? Math.max(0, actualUsd) : 0);
    await this.counter.settle(reservation.slots, reservation.amountNanos, actualNanos);
    if (this.listeners.length > 0) void this.notify(reservation, nanosToUsd(actualNanos));
    return true;
  }

  /** Frees the whole reservation (the call never happened or cost nothing). */
  async release(reservation: Reservation): Promise<boolean> {
    if (!this.outstanding.delete(reservation.id)) return false;
    await this.counter.release(reservation.slots, reservation.amountNanos);
    return true;
  }

  /**
   * The lowest remaining share over the caller's budgets, in [0, 1]: 1 with no budgets, 0 when
   * one is spent. Reservations in flight count as spent. The router raises cost weight as it falls.
   */
  async remainingShare(target: BudgetTarget): Promise<number> {
    return (await this.tightestBudget(target))?.remainingShare ?? 1;
  }

  /** The caller's budget with the lowest remaining share, for decision reasons; undefined without budgets. */
  async tightestBudget(target: BudgetTarget): Promise<BudgetStatus | undefined> {
    const now = this.clock();
    let tightest: BudgetStatus | undefined;
    for (const budget of this.budgetsFor(target)) {
      const status = await this.status(budget, now);
      if (tightest === undefined || status.remainingShare < tightest.remainingShare) tightest = status;
    }
    return tightest;
  }

  outstandingReservations(): { count: number; totalUsd: number } {
    let nanos = 0;
    for (const r of this.outstanding.values()) nanos += r.amountNanos;
    return { count: this.outstanding.size, totalUsd: nanosToUsd(nanos) };
  }

  private async status(budget: BudgetRecord, now: number): Promise<BudgetStatus> {
    const usage = await this.counter.read(slotName(budget, now));
    const limitNanos = usdToNanos(budget.limitUsd);
    const remainingNanos = Math.max(0, limitNanos - usage.settledNanos - usage.reservedNanos);
    return {
      budget,
      periodStart: periodStart(budget.period, now),
      resetsAt: periodEnd(budget.period, now),
      spentUsd: nanosToUsd(usage.settledNanos),
      reservedUsd: nanosToUsd(usage.reservedNanos),
      remainingUsd: nanosToUsd(remainingNanos),
      remainingShare: limitNanos === 0 ? 0 : remainingNanos / limitNanos,
    };
  }

  private async notify(reservation: Reservation, amountUsd: number): Promise<void> {
    try {
      const now = this.clock();
      const budgets = await Promise.all(
        reservation.budgetIds.flatMap((id) => {
          const budget = this.byId.get(id);
          return budget ? [this.status(budget, reservation.createdAt)] : [];
        }),
      );
      const target: BudgetTarget = {};
      if (reservation.keyId !== undefined) target.keyId = reservation.keyId;
      if (reservation.team !== undefined) target.team = reservation.team;
      const event: SpendEvent = { target, amountUsd, at: now, budgets };
      for (const listener of this.listeners) await listener(event);
    } catch (error) {
      this.logger.error({ err: error }, 'spend listener failed');
    }
  }

  private index(budget: BudgetRecord): void {
    this.byId.set(budget.id, budget);
    const key = targetKey(budget.scope, budget.scopeId);
    const list = (this.byTarget.get(key) ?? []).filter((b) => b.id !== budget.id);
    list.push(budget);
    this.byTarget.set(key, list);
  }

  private async initialiseSlot(budget: BudgetRecord, spendCache: Map<number, Promise<ScopeSpend[]>>): Promise<void> {
    const start = periodStart(budget.period, this.clock());
    let spend = spendCache.get(start);
    if (!spend) {
      spend = this.ledger.spendByScope(start);
      spendCache.set(start, spend);
    }
    const row = (await spend).find((s) => s.scope === budget.scope && s.scopeId === budget.scopeId);
    await this.counter.initialise(`${budget.id}@${start}`, usdToNanos(row?.costUsd ?? 0));
  }
}

function targetKey(scope: BudgetScope, scopeId: string): string {
  return `${scope}:${scopeId}`;
}

function slotName(budget: BudgetRecord, now: number): string {
  return `${budget.id}@${periodStart(budget.period, now)}`;
}
