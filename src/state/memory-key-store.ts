import type { KeyListFilter, KeyRecord } from './key-record.js';
import type { KeyStore } from './key-store.js';

export class MemoryKeyStore implements KeyStore {
  private readonly byId = new Map<string, KeyRecord>();
  private readonly idByHash = new Map<string, string>();

  async insertKey(record: KeyRecord): Promise<void> {
    if (this.byId.has(record.id)) throw new Error(`key id ${record.id} already exists`);
    if (this.idByHash.has(record.hash)) throw new Error('key hash already exists');
    this.byId.set(record.id, structuredClone(record));
    this.idByHash.set(record.hash, record.id);
  }

  async findKeyByHash(hash: string): Promise<KeyRecord | undefined> {
    const id = this.idByHash.get(hash);
    return id === undefined ? undefined : this.getKey(id);
  }

  async getKey(id: string): Promise<KeyRecord | undefined> {
    const record = this.byId.get(id);
    return record && structuredClone(record);
  }

  async listKeys(filter: KeyListFilter = {}): Promise<KeyRecord[]> {
    return [...this.byId.values()]
      .filter((k) => filter.includeRevoked === true || k.revokedAt === undefined)
      .filter((k) => filter.owner === undefined || k.owner === filter.owner)
      .filter((k) => filter.team === undefined || k.team === filter.team)
      .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
      .map((k) => structuredClone(k));
  }

  async revokeKey(id: string, atMs: number): Promise<KeyRecord | undefined> {
    const record = this.byId.get(id);
    if (!record) return undefined;
    record.revokedAt ??= atMs;
    return structuredClone(record);
  }
}
