import type { BudgetCounter, CounterCharge, ReserveOutcome, SlotUsage } from './budget-counter.js';

/**
 * Budget counters in this process's memory. Every method does its whole check-and-update
 * synchronously before its promise is created, so on Node's one thread no other reservation
 * can interleave: that is what makes `tryReserve` atomic.
 */
export class MemoryBudgetCounter implements BudgetCounter {
  private readonly slots = new Map<string, SlotUsage>();

  async tryReserve(charges: readonly CounterCharge[], amountNanos: number): Promise<ReserveOutcome> {
    for (const charge of charges) {
      const usage = this.slots.get(charge.slot);
      const used = usage ? usage.settledNanos + usage.reservedNanos : 0;
      if (used + amountNanos > charge.limitNanos) {
        return { ok: false, slot: charge.slot, usedNanos: used, limitNanos: charge.limitNanos };
      }
    }
    for (const charge of charges) this.slot(charge.slot).reservedNanos += amountNanos;
    return { ok: true };
  }

  async settle(slots: readonly string[], reservedNanos: number, actualNanos: number): Promise<void> {
    for (const name of slots) {
      const usage = this.slot(name);
      usage.reservedNanos = Math.max(0, usage.reservedNanos - reservedNanos);
      usage.settledNanos += actualNanos;
    }
  }

  async release(slots: readonly string[], reservedNanos: number): Promise<void> {
    for (const name of slots) {
      const usage = this.slot(name);
      usage.reservedNanos = Math.max(0, usage.reservedNanos - reservedNanos);
    }
  }

  async initialise(slot: string, settledNanos: number): Promise<boolean> {
    if (this.slots.has(slot)) return false;
    this.slots.set(slot, { settledNanos, reservedNanos: 0 });
    return true;
  }

  async read(slot: string): Promise<SlotUsage> {
    const usage = this.slots.get(slot);
    return usage ? { ...usage } : { settledNanos: 0, reservedNanos: 0 };
  }

  /** Sum of outstanding reservations over every slot. */
  totalReservedNanos(): number {
    let total = 0;
    for (const usage of this.slots.values()) total += usage.reservedNanos;
    return total;
  }

  private slot(name: string): SlotUsage {
    let usage = this.slots.get(name);
    if (!usage) {
      usage = { settledNanos: 0, reservedNanos: 0 };
      this.slots.set(name, usage);
    }
    return usage;
  }
}
