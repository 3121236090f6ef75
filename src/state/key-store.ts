import type { KeyListFilter, KeyRecord } from './key-record.js';

/** Where virtual keys live. Every method is async so that a networked store fits the same shape. */
export interface KeyStore {
  /** Stores a new key; rejects when the id or hash already exists. */
  insertKey(record: KeyRecord): Promise<void>;
  findKeyByHash(hash: string): Promise<KeyRecord | undefined>;
  getKey(id: string): Promise<KeyRecord | undefined>;
  /** Oldest first. */
  listKeys(filter?: KeyListFilter): Promise<KeyRecord[]>;
  /**
   * Marks the key revoked at `atMs` (the first revocation time is kept when called twice).
   * Returns the updated record, or undefined when no key has this id.
   */
  revokeKey(id: string, atMs: number): Promise<KeyRecord | undefined>;
}
