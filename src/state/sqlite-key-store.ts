import type { Database, Statement } from 'better-sqlite3';
import type { KeyListFilter, KeyRecord } from './key-record.js';
import type { KeyStore } from './key-store.js';

interface KeyRow {
  id: string;
  hash: string;
  prefix: string;
  name: string | null;
  owner: string;
  team: string | null;
  allowed_models: string | null;
  rate_limits: string | null;
  metadata: string | null;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
}

function toRecord(row: KeyRow): KeyRecord {
  const record: KeyRecord = { id: row.id, hash: row.hash, prefix: row.prefix, owner: row.owner, createdAt: row.created_at };
  if (row.name !== null) record.name = row.name;
  if (row.team !== null) record.team = row.team;
  if (row.allowed_models !== null) record.allowedModels = JSON.parse(row.allowed_models) as string[];
  if (row.rate_limits !== null) record.rateLimits = JSON.parse(row.rate_limits) as KeyRecord['rateLimits'];
  if (row.metadata !== null) record.metadata = JSON.parse(row.metadata) as Record<string, string>;
  if (row.expires_at !== null) record.expiresAt = row.expires_at;
  if (row.revoked_at !== null) record.revokedAt = row.revoked_at;
  return record;
}

const json = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));

export class SqliteKeyStore implements KeyStore {
  private readonly insert: Statement;
  private readonly byHash: Statement<[string], KeyRow>;
  private readonly byId: Statement<[string], KeyRow>;
  private readonly list: Statement<[{ includeRevoked: number; owner: string | null; team: string | null }], KeyRow>;
  private readonly revoke: Statement<[number, string]>;

  constructor(db: Database) {
    this.insert = db.prepare(`INSERT INTO api_keys
      (id, hash, prefix, name, owner, team, allowed_models, rate_limits, metadata, created_at, expires_at, revoked_at)
      VALUES (@id, @hash, @prefix, @name, @owner, @team, @allowedModels, @rateLimits, @metadata, @createdAt, @expiresAt, @revokedAt)`);
    this.byHash = db.prepare('SELECT * FROM api_keys WHERE hash = ?');
    this.byId = db.prepare('SELECT * FROM api_keys WHERE id = ?');
    this.list = db.prepare(`SELECT * FROM api_keys
      WHERE (@includeRevoked = 1 OR revoked_at IS NULL) AND (@owner IS NULL OR owner = @owner) AND (@team IS NULL OR team = @team)
      ORDER BY created_at, id`);
    this.revoke = db.prepare('UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?');
  }

  async insertKey(record: KeyRecord): Promise<void> {
    this.insert.run({
      id: record.id,
      hash: record.hash,
      prefix: record.prefix,
      name: record.name ?? null,
      owner: record.owner,
      team: record.team ?? null,
      allowedModels: json(record.allowedModels),
      rateLimits: json(record.rateLimits),
      metadata: json(record.metadata),
      createdAt: record.createdAt,
      expiresAt: record.expiresAt ?? null,
      revokedAt: record.revokedAt ?? null,
    });
  }

  async findKeyByHash(hash: string): Promise<KeyRecord | undefined> {
    const row = this.byHash.get(hash);
    return row && toRecord(row);
  }

  async getKey(id: string): Promise<KeyRecord | undefined> {
    const row = this.byId.get(id);
    return row && toRecord(row);
  }

  async listKeys(filter: KeyListFilter = {}): Promise<KeyRecord[]> {
    return this.list.all({ includeRevoked: filter.includeRevoked === true ? 1 : 0, owner: filter.owner ?? null, team: filter.team ?? null }).map(toRecord);
  }

  async revokeKey(id: string, atMs: number): Promise<KeyRecord | undefined> {
    this.revoke.run(atMs, id);
    return this.getKey(id);
  }
}
