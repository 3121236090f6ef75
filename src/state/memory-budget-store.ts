import type { BudgetRecord } from './budget-record.js';
import type { BudgetStore } from './budget-store.js';

export class MemoryBudgetStore implements BudgetStore {
  private readonly byId = new Map<string, BudgetRecord>();

  async putBudget(record: BudgetRecord): Promise<void> {
    this.byId.set(record.id, structuredClone(record));
  }

  async listBudgets(): Promise<BudgetRecord[]> {
    return [...this.byId.values()].sort((a, b) => a.id.localeCompare(b.id)).map((b) => structuredClone(b));
  }

  async deleteBudget(id: string): Promise<boolean> {
    return this.byId.delete(id);
  }
}
