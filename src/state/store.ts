import type { AlertStateStore } from './alert-state-store.js';
import type { BudgetStore } from './budget-store.js';
import type { KeyStore } from './key-store.js';
import type { LedgerStore } from './ledger-store.js';

/** Everything accounting persists, behind one handle that is opened, migrated and closed together. */
export interface Store {
  readonly kind: 'memory' | 'sqlite' | 'postgres';
  readonly keys: KeyStore;
  readonly budgets: BudgetStore;
  readonly ledger: LedgerStore;
  readonly alerts: AlertStateStore;
  /** Brings the schema up to date; safe to call again. */
  migrate(): Promise<void>;
  /** Releases the connection; the store may not be used afterwards. */
  close(): Promise<void>;
}
