// The interface lives in state, beside its Redis implementation; accounting keeps its old import path.
export type { BudgetCounter, CounterCharge, ReserveOutcome, SlotUsage } from '../state/budget-counter.js';
