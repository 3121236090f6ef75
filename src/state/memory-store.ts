import { MemoryAlertStateStore } from './memory-alert-state-store.js';
import { MemoryBudgetStore } from './memory-budget-store.js';
import { MemoryKeyStore } from './memory-key-store.js';
import { MemoryLedgerStore } from './memory-ledger-store.js';
import type { Store } from './store.js';

/** A store that lives and dies with the process: for tests and for running without persistence. */
export class MemoryStore implements Store {
  readonly kind = 'memory' as const;
  readonly keys = new MemoryKeyStore();
  readonly budgets = new MemoryBudgetStore();
  readonly ledger = new MemoryLedgerStore();
  readonly alerts = new MemoryAlertStateStore();

  async migrate(): Promise<void> {}

  async close(): Promise<void> {}
}
