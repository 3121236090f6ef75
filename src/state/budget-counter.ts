/** One budget in one period, as the counter sees it: an opaque slot name and its limit. */
export interface CounterCharge {
  /** `<budget id>@<period start ms>`. */
  slot: string;
  limitNanos: number;
}

export interface SlotUsage {
  settledNanos: number;
  reservedNanos: number;
}

export type ReserveOutcome =
  | { ok: true }
  /** The first slot that did not fit, with what was already used of it (settled + reserved). */
  | { ok: false; slot: string; usedNanos: number; limitNanos: number };

/**
 * The hot budget counters: settled spend and outstanding reservations per slot. Amounts are
 * integer nano-dollars. The in-process implementation (accounting's MemoryBudgetCounter) is
 * authoritative for one gateway process; RedisBudgetCounter (one Lua script per call) makes N
 * processes share it. The interface lives in state so that both can implement it.
 */
export interface BudgetCounter {
  /**
   * All or nothing: when settled + reserved + amount stays within the limit in every slot, adds
   * the amount to each slot's reservations; otherwise changes nothing and names the slot that
   * did not fit. No other call may interleave between the check and the add.
   */
  tryReserve(charges: readonly CounterCharge[], amountNanos: number): Promise<ReserveOutcome>;
  /** Drops `reservedNanos` from each slot's reservations and adds `actualNanos` to its spend. */
  settle(slots: readonly string[], reservedNanos: number, actualNanos: number): Promise<void>;
  /** Drops `reservedNanos` from each slot's reservations. */
  release(slots: readonly string[], reservedNanos: number): Promise<void>;
  /**
   * Sets a slot's settled spend if the counter does not know the slot yet (rebuilt from the
   * ledger at start; reservations start at zero). Returns whether it did.
   */
  initialise(slot: string, settledNanos: number): Promise<boolean>;
  read(slot: string): Promise<SlotUsage>;
}
