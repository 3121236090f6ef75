import type { BudgetRecord } from './budget-record.js';

/** Budget definitions. Spend is not kept here: it is derived from the ledger. */
export interface BudgetStore {
  /** Inserts or replaces the budget with this id. */
  putBudget(record: BudgetRecord): Promise<void>;
  listBudgets(): Promise<BudgetRecord[]>;
  /** Returns false when no budget had this id. */
  deleteBudget(id: string): Promise<boolean>;
}
