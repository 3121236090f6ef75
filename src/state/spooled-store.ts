import type { Store } from './store.js';
import { SpoolingLedgerStore, type SpoolingLedgerStoreOptions } from './spooling-ledger-store.js';

/**
 * A networked store whose ledger writes survive the database being away (see
 * SpoolingLedgerStore). Keys, budgets and alert state go straight to the inner store: they are
 * written rarely, by admins, who can retry.
 */
export class SpooledStore implements Store {
  readonly kind: Store['kind'];
  readonly keys: Store['keys'];
  readonly budgets: Store['budgets'];
  readonly alerts: Store['alerts'];

  private constructor(
    private readonly inner: Store,
    readonly ledger: SpoolingLedgerStore,
  ) {
    this.kind = inner.kind;
    this.keys = inner.keys;
    this.budgets = inner.budgets;
    this.alerts = inner.alerts;
  }

  static async open(inner: Store, options: Omit<SpoolingLedgerStoreOptions, 'inner'>): Promise<SpooledStore> {
    return new SpooledStore(inner, await SpoolingLedgerStore.open({ ...options, inner: inner.ledger }));
  }

  migrate(): Promise<void> {
    return this.inner.migrate();
  }

  /** Tries to empty the spool, then closes both; what is left stays in the file for the next start. */
  async close(): Promise<void> {
    await this.ledger.flush().catch(() => false);
    await this.ledger.close();
    await this.inner.close();
  }
}
