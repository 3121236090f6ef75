import type { BudgetCounter, CounterCharge, ReserveOutcome, SlotUsage } from '../budget-counter.js';

/** A shared counter that can say what it last saw and whether it is reachable again. */
export interface SharedBudgetCounter extends BudgetCounter {
  lastSeenUsedNanos(slot: string): number | undefined;
  ping(): Promise<void>;
}

export interface SharedStateEvents {
  /** Shared state became unreachable; the process now runs on local state. Log it loudly. */
  onDegraded?(component: string, error: unknown): void;
  /** Shared state is back and local changes were written to it. */
  onRecovered?(component: string, outageMs: number): void;
}

export interface FallbackBudgetCounterOptions extends SharedStateEvents {
  shared: SharedBudgetCounter;
  /** A fresh in-process counter; one is made per outage. */
  createLocal: () => BudgetCounter;
  /**
   * Gateway processes expected to share the budgets. During an outage this process may spend at
   * most its share (1 / this) of what was left when it last heard from Redis.
   */
  expectedProcesses: number;
  /** How often to try Redis again while degraded. Default 1000 ms. */
  probeIntervalMs?: number;
}

type PendingWrite =
  | { op: 'settle'; slots: readonly string[]; reservedNanos: number; actualNanos: number }
  | { op: 'initialise'; slot: string; settledNanos: number };

/**
 * Keeps budgets enforced while Redis is away. Normally every call goes to the shared counter.
 * When one fails, the process switches to a local counter whose limits are this process's share
 * of the remaining money, queues settlements for Redis, and probes until Redis answers; then it
 * writes the queue back (spend made during the outage included) and returns to the shared counter.
 */
export class FallbackBudgetCounter implements BudgetCounter {
  private local: BudgetCounter | undefined;
  /** The local counter of the last outage, holding reservations that were still open at recovery. */
  private leftover: BudgetCounter | undefined;
  private pending: PendingWrite[] = [];
  private degradedAt = 0;
  private probeTimer: ReturnType<typeof setTimeout> | undefined;
  private resyncing: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly options: FallbackBudgetCounterOptions) {}

  /** True while running on local state. */
  get degraded(): boolean {
    return this.local !== undefined;
  }

  async tryReserve(charges: readonly CounterCharge[], amountNanos: number): Promise<ReserveOutcome> {
    if (this.local === undefined) {
      try {
        return await this.options.shared.tryReserve(charges, amountNanos);
      } catch (error) {
        this.degrade(error);
      }
    }
    const local = this.localCounter();
    const share = Math.max(1, this.options.expectedProcesses);
    const localCharges = charges.map((c) => ({
      slot: c.slot,
      limitNanos: Math.max(0, Math.floor((c.limitNanos - (this.options.shared.lastSeenUsedNanos(c.slot) ?? 0)) / share)),
    }));
    const outcome = await local.tryReserve(localCharges, amountNanos);
    if (outcome.ok) return outcome;
    const charge = charges.find((c) => c.slot === outcome.slot);
    const seen = this.options.shared.lastSeenUsedNanos(outcome.slot) ?? 0;
    return { ok: false, slot: outcome.slot, usedNanos: seen + outcome.usedNanos, limitNanos: charge?.limitNanos ?? outcome.limitNanos };
  }

  async settle(slots: readonly string[], reservedNanos: number, actualNanos: number): Promise<void> {
    if (this.local === undefined) {
      // A reservation taken during the last outage was never in Redis: only its spend goes there.
      const leftover = this.leftover;
      let sharedReserved = reservedNanos;
      if (leftover !== undefined && slots.length > 0 && (await this.heldLocally(leftover, slots, reservedNanos))) {
        await leftover.release(slots, reservedNanos);
        sharedReserved = 0;
      }
      try {
        await this.options.shared.settle(slots, sharedReserved, actualNanos);
        return;
      } catch (error) {
        this.degrade(error);
        this.pending.push({ op: 'settle', slots, reservedNanos: sharedReserved, actualNanos });
        return;
      }
    }
    const local = this.localCounter();
    // A reservation made locally during this outage is settled locally; Redis only learns the spend.
    // One made in Redis before the outage is settled there on recovery.
    if (slots.length > 0 && (await this.heldLocally(local, slots, reservedNanos))) {
      await local.settle(slots, reservedNanos, actualNanos);
      if (actualNanos > 0) this.pending.push({ op: 'settle', slots, reservedNanos: 0, actualNanos });
      return;
    }
    this.pending.push({ op: 'settle', slots, reservedNanos, actualNanos });
  }

  async release(slots: readonly string[], reservedNanos: number): Promise<void> {
    await this.settle(slots, reservedNanos, 0);
  }

  async initialise(slot: string, settledNanos: number): Promise<boolean> {
    if (this.local === undefined) {
      try {
        return await this.options.shared.initialise(slot, settledNanos);
      } catch (error) {
        this.degrade(error);
      }
    }
    this.pending.push({ op: 'initialise', slot, settledNanos });
    return false;
  }

  async read(slot: string): Promise<SlotUsage> {
    if (this.local === undefined) {
      try {
        return await this.options.shared.read(slot);
      } catch (error) {
        this.degrade(error);
      }
    }
    const usage = await this.localCounter().read(slot);
    return { settledNanos: (this.options.shared.lastSeenUsedNanos(slot) ?? 0) + usage.settledNanos, reservedNanos: usage.reservedNanos };
  }

  /** Writes queued changes to Redis now if it answers; resolves whether the counter is shared again. */
  async resync(): Promise<boolean> {
    if (this.local === undefined) return true;
    this.resyncing ??= this.tryResync().finally(() => {
      this.resyncing = undefined;
    });
    await this.resyncing;
    return this.local === undefined;
  }

  /** Stops probing. */
  close(): void {
    this.closed = true;
    if (this.probeTimer !== undefined) clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
  }

  private degrade(error: unknown): void {
    if (this.local !== undefined) return;
    this.local = this.options.createLocal();
    this.degradedAt = Date.now();
    this.options.onDegraded?.('budget', error);
    this.scheduleProbe();
  }

  private localCounter(): BudgetCounter {
    this.local ??= this.options.createLocal();
    return this.local;
  }

  private async heldLocally(local: BudgetCounter, slots: readonly string[], reservedNanos: number): Promise<boolean> {
    for (const slot of slots) if ((await local.read(slot)).reservedNanos < reservedNanos) return false;
    return true;
  }

  private scheduleProbe(): void {
    if (this.closed || this.probeTimer !== undefined) return;
    this.probeTimer = setTimeout(() => {
      this.probeTimer = undefined;
      void this.resync().then((shared) => {
        if (!shared) this.scheduleProbe();
      });
    }, this.options.probeIntervalMs ?? 1000);
    this.probeTimer.unref();
  }

  private async writeBack(write: PendingWrite): Promise<void> {
    if (write.op === 'settle') await this.options.shared.settle(write.slots, write.reservedNanos, write.actualNanos);
    else await this.options.shared.initialise(write.slot, write.settledNanos);
  }

  private async tryResync(): Promise<void> {
    try {
      await this.options.shared.ping();
      // Settlements keep arriving while the queue is written back, so it is written in rounds of
      // everything queued so far, sent at once: written one by one, a queue under steady load grew
      // as fast as it drained and the counter never went back to Redis. Each round takes about
      // one round trip, so the rounds shrink to nothing.
      while (this.pending.length > 0) {
        const round = this.pending.splice(0);
        const results = await Promise.allSettled(round.map((write) => this.writeBack(write)));
        // Only the writes that failed go back (in order): the others are in Redis already.
        const failed = round.filter((_, i) => results[i]?.status === 'rejected');
        if (failed.length > 0) {
          this.pending.unshift(...failed);
          return;
        }
      }
    } catch {
      return;
    }
    // Reservations still open locally are not in Redis; the old local counter recognises their settlements.
    this.leftover = this.local;
    this.local = undefined;
    this.options.onRecovered?.('budget', Date.now() - this.degradedAt);
  }
}
