/** Money held for one request (or one fallback or hedge attempt) until it is settled or released. */
export interface Reservation {
  id: string;
  requestId: string;
  amountUsd: number;
  /** Integer nano-dollars actually held in each slot. */
  amountNanos: number;
  keyId?: string;
  team?: string;
  /** The budgets charged. */
  budgetIds: string[];
  /** Counter slots, one per budget, for the period in which the reservation was made. */
  slots: string[];
  /**
   * Epoch ms. Spend counts in the period it was reserved in: the request's ledger entry should
   * use this as its `startedAt`, so that a restart rebuilds spend into the same period.
   */
  createdAt: number;
}
