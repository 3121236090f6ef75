import { randomUUID } from 'node:crypto';
import { GatewayError } from '../errors/gateway-error.js';
import { GLOBAL_SCOPE_ID, budgetId, type BudgetPeriod, type BudgetRecord, type BudgetScope } from '../state/budget-record.js';
import type { BudgetStore } from '../state/budget-store.js';
import type { LedgerStore, ScopeSpend } from '../state/ledger-store.js';
import { nanosToUsd, usdToNanos, usdToNanosCeil } from '../state/usd-nanos.js';
import type { AccountingLogger } from './accounting-logger.js';
import { silentLogger } from './accounting-logger.js';
import type { BudgetCounter, CounterCharge, SlotUsage } from './budget-counter.js';
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

/**
 * A budget with what every request needs of it, worked out once per period instead of per
 * request: its limit in nano-dollars, its period's bounds and its counter slot for that period.
 */
interface BudgetEntry {
  readonly budget: BudgetRecord;
  readonly limitNanos: number;
  /** The period the fields below hold for: `validFrom <= now < validTo`. */
  validFrom: number;
  validTo: number;
  periodStart: number;
  resetsAt: number | undefined;
  /** `<budget id>@<period start>` and the limit, as the counter takes them. */
  charge: CounterCharge;
}

const NO_ENTRIES: readonly BudgetEntry[] = [];

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
  private readonly byId = new Map<string, BudgetEntry>();
  /**
   * Budgets by what they cover, one per period: per key id, per team, and the gateway's. Kept
   * apart so that a request finds its budgets without building a `<scope>:<id>` string.
   */
  private readonly byKey = new Map<string, BudgetEntry[]>();
  private readonly byTeam = new Map<string, BudgetEntry[]>();
  private global: BudgetEntry[] = [];
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
    this.byKey.clear();
    this.byTeam.clear();
    this.global = [];
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
      createdAt: this.byId.get(id)?.budget.createdAt ?? now, updatedAt: now,
    };
    if (input.alertThresholds !== undefined) budget.alertThresholds = [...input.alertThresholds].sort((a, b) => a - b);
    await this.store.putBudget(budget);
    const entry = this.index(budget);
    await this.initialiseSlot(budget, new Map());
    return this.status(entry, now);
  }

  async deleteBudget(id: string): Promise<boolean> {
    const deleted = await this.store.deleteBudget(id);
    const entry = this.byId.get(id);
    if (entry) {
      this.byId.delete(id);
      this.setTargetEntries(entry.budget, this.targetEntries(entry.budget).filter((e) => e.budget.id !== id));
    }
    return deleted || entry !== undefined;
  }

  /** Every budget, or those of one scope (and scope id), with current spend. */
  async getBudgets(filter: { scope?: BudgetScope; scopeId?: string } = {}): Promise<BudgetStatus[]> {
    const now = this.clock();
    const entries = [...this.byId.values()]
      .filter(({ budget: b }) => (filter.scope === undefined || b.scope === filter.scope) && (filter.scopeId === undefined || b.scopeId === filter.scopeId))
      .sort((a, b) => a.budget.id.localeCompare(b.budget.id));
    return Promise.all(entries.map((e) => this.status(e, now)));
  }

  /** The budgets that apply to a caller: its key's, its team's and the gateway's. */
  budgetsFor(target: BudgetTarget): BudgetRecord[] {
    return this.entriesFor(target).map((e) => e.budget);
  }

  /** Whether any budget applies to the caller: without one there is nothing to reserve or read. */
  hasBudgets(target: BudgetTarget): boolean {
    return this.entriesFor(target).length > 0;
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
    const entries = this.entriesFor(input.principal);
    const amountNanos = usdToNanosCeil(input.amountUsd);
    // Sized up front: an array grown by push gets room for 16 more.
    const budgetIds = new Array<string>(entries.length);
    const slots = new Array<string>(entries.length);
    // Without a budget there is no slot to hold money in: the counter is not asked.
    if (entries.length > 0) {
      const charges = new Array<CounterCharge>(entries.length);
      for (let i = 0; i < entries.length; i++) {
        const entry = entries[i]!;
        const { charge } = this.inPeriod(entry, now);
        charges[i] = charge;
        budgetIds[i] = entry.budget.id;
        slots[i] = charge.slot;
      }
      const outcome = await this.counter.tryReserve(charges, amountNanos);
      if (!outcome.ok) {
        const budget = entries[slots.indexOf(outcome.slot)]?.budget;
        if (budget === undefined) throw new GatewayError('internal', `budget counter refused an unknown slot ${outcome.slot}`);
        throw new BudgetExceededError(budget, nanosToUsd(outcome.usedNanos), input.amountUsd);
      }
    }
    const reservation: Reservation = {
      id: randomUUID(), requestId: input.requestId, amountUsd: input.amountUsd, amountNanos, budgetIds, slots, createdAt: now,
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
    if (reservation.slots.length > 0) await this.counter.settle(reservation.slots, reservation.amountNanos, actualNanos);
    if (this.listeners.length > 0) this.notify(reservation, nanosToUsd(actualNanos));
    return true;
  }

  /** Frees the whole reservation (the call never happened or cost nothing). */
  async release(reservation: Reservation): Promise<boolean> {
    if (!this.outstanding.delete(reservation.id)) return false;
    if (reservation.slots.length > 0) await this.counter.release(reservation.slots, reservation.amountNanos);
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
    const entries = this.entriesFor(target);
    if (entries.length === 0) return undefined;
    const now = this.clock();
    // Only the tightest budget's status is built; the others are compared by their share alone.
    let tightest: BudgetStatus | undefined;
    for (const entry of entries) {
      const { charge, periodStart, resetsAt } = this.inPeriod(entry, now);
      const usage = await this.counter.read(charge.slot);
      if (tightest === undefined || remainingShareOf(entry.limitNanos, usage) < tightest.remainingShare) {
        tightest = this.statusOf(entry, usage, periodStart, resetsAt);
      }
    }
    return tightest;
  }

  outstandingReservations(): { count: number; totalUsd: number } {
    let nanos = 0;
    for (const r of this.outstanding.values()) nanos += r.amountNanos;
    return { count: this.outstanding.size, totalUsd: nanosToUsd(nanos) };
  }

  private async status(entry: BudgetEntry, now: number): Promise<BudgetStatus> {
    // Read before the await: another call may move the entry to another period meanwhile.
    const { charge, periodStart, resetsAt } = this.inPeriod(entry, now);
    return this.statusOf(entry, await this.counter.read(charge.slot), periodStart, resetsAt);
  }

  private statusOf(entry: BudgetEntry, usage: SlotUsage, periodStart: number, resetsAt: number | undefined): BudgetStatus {
    return withUsage(unreadStatus(entry.budget, periodStart, resetsAt), usage);
  }

  /** Tells the listeners about a settlement; a failure is logged, never thrown into the request. */
  private notify(reservation: Reservation, amountUsd: number): void {
    try {
      const at = this.clock();
      const target: BudgetTarget = {};
      if (reservation.keyId !== undefined) target.keyId = reservation.keyId;
      if (reservation.team !== undefined) target.team = reservation.team;
      if (reservation.budgetIds.length === 0) {
        this.tell({ target, amountUsd, at, budgets: [] }, 0);
        return;
      }
      // The statuses are made at once and completed when the counter's reads are in: one
      // Promise.all over the reads rather than an async status() per budget.
      const budgets: BudgetStatus[] = [];
      const reads: Array<Promise<SlotUsage>> = [];
      for (const id of reservation.budgetIds) {
        const entry = this.byId.get(id);
        if (entry === undefined) continue;
        const { charge, periodStart, resetsAt } = this.inPeriod(entry, reservation.createdAt);
        budgets.push(unreadStatus(entry.budget, periodStart, resetsAt));
        reads.push(this.counter.read(charge.slot));
      }
      Promise.all(reads).then(
        (usages) => {
          for (let i = 0; i < budgets.length; i++) withUsage(budgets[i]!, usages[i]!);
          this.tell({ target, amountUsd, at, budgets }, 0);
        },
        (error: unknown) => this.listenerFailed(error),
      );
    } catch (error) {
      this.listenerFailed(error);
    }
  }

  /**
   * Runs the listeners from `from` on, one after the other: a listener that returns a promise
   * is waited for before the next runs; one that has nothing to wait for returns nothing, and
   * then no promise is made for it.
   */
  private tell(event: SpendEvent, from: number): void {
    try {
      for (let i = from; i < this.listeners.length; i++) {
        const pending = this.listeners[i]!(event);
        if (isThenable(pending)) {
          pending.then(
            () => this.tell(event, i + 1),
            (error: unknown) => this.listenerFailed(error),
          );
          return;
        }
      }
    } catch (error) {
      this.listenerFailed(error);
    }
  }

  private listenerFailed(error: unknown): void {
    this.logger.error({ err: error }, 'spend listener failed');
  }

  /** The budgets of a caller, key's then team's then the gateway's; shared lists, not to be changed. */
  private entriesFor(target: BudgetTarget): readonly BudgetEntry[] {
    const forKey = target.keyId === undefined ? undefined : this.byKey.get(target.keyId);
    const forTeam = target.team === undefined ? undefined : this.byTeam.get(target.team);
    if (forKey === undefined && forTeam === undefined) return this.global;
    if (forTeam === undefined && this.global.length === 0) return forKey!;
    if (forKey === undefined && this.global.length === 0) return forTeam!;
    return joined(forKey ?? NO_ENTRIES, forTeam ?? NO_ENTRIES, this.global);
  }

  /** The entry with its period's fields for `now`, recomputed only when `now` left that period. */
  private inPeriod(entry: BudgetEntry, now: number): BudgetEntry {
    if (now >= entry.validFrom && now < entry.validTo) return entry;
    const { budget } = entry;
    const start = periodStart(budget.period, now);
    const end = periodEnd(budget.period, now);
    entry.periodStart = start;
    entry.resetsAt = end;
    // A `total` budget has one period whatever the clock says.
    entry.validFrom = end === undefined ? Number.NEGATIVE_INFINITY : start;
    entry.validTo = end ?? Number.POSITIVE_INFINITY;
    entry.charge = { slot: `${budget.id}@${start}`, limitNanos: entry.limitNanos };
    return entry;
  }

  private index(budget: BudgetRecord): BudgetEntry {
    const entry: BudgetEntry = {
      budget, limitNanos: usdToNanos(budget.limitUsd),
      validFrom: Number.NaN, validTo: Number.NaN, periodStart: 0, resetsAt: undefined, charge: { slot: '', limitNanos: 0 },
    };
    this.byId.set(budget.id, entry);
    const list = this.targetEntries(budget).filter((e) => e.budget.id !== budget.id);
    list.push(entry);
    this.setTargetEntries(budget, list);
    return entry;
  }

  private targetEntries(budget: BudgetRecord): BudgetEntry[] {
    if (budget.scope !== 'global') return (budget.scope === 'key' ? this.byKey : this.byTeam).get(budget.scopeId) ?? [];
    return budget.scopeId === GLOBAL_SCOPE_ID ? this.global : [];
  }

  /** Replaces (never edits) a target's list: a request may be iterating the old one. */
  private setTargetEntries(budget: BudgetRecord, list: BudgetEntry[]): void {
    if (budget.scope === 'global') {
      if (budget.scopeId === GLOBAL_SCOPE_ID) this.global = list;
      return;
    }
    const byScope = budget.scope === 'key' ? this.byKey : this.byTeam;
    if (list.length > 0) byScope.set(budget.scopeId, list);
    else byScope.delete(budget.scopeId);
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

/** Three lists in one array of their exact length. */
function joined<T>(a: readonly T[], b: readonly T[], c: readonly T[]): T[] {
  const all = new Array<T>(a.length + b.length + c.length);
  let i = 0;
  for (const x of a) all[i++] = x;
  for (const x of b) all[i++] = x;
  for (const x of c) all[i++] = x;
  return all;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}

/** A budget's status for a period before its counter slot is read; `withUsage` completes it. */
function unreadStatus(budget: BudgetRecord, periodStart: number, resetsAt: number | undefined): BudgetStatus {
  return { budget, periodStart, resetsAt, spentUsd: 0, reservedUsd: 0, remainingUsd: 0, remainingShare: 0 };
}

function withUsage(status: BudgetStatus, usage: SlotUsage): BudgetStatus {
  const limitNanos = usdToNanos(status.budget.limitUsd);
  status.spentUsd = nanosToUsd(usage.settledNanos);
  status.reservedUsd = nanosToUsd(usage.reservedNanos);
  status.remainingUsd = nanosToUsd(Math.max(0, limitNanos - usage.settledNanos - usage.reservedNanos));
  status.remainingShare = remainingShareOf(limitNanos, usage);
  return status;
}

function remainingShareOf(limitNanos: number, usage: SlotUsage): number {
  return limitNanos === 0 ? 0 : Math.max(0, limitNanos - usage.settledNanos - usage.reservedNanos) / limitNanos;
}
