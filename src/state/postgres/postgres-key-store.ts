import type { Pool } from 'pg';
import type { KeyListFilter, KeyRecord } from '../key-record.js';
import type { KeyStore } from '../key-store.js';

interface KeyRow {
  id: string;
  hash: string;
  prefix: string;
  name: string | null;
  owner: string;
  team: string | null;
  allowed_models: string[] | null;
  rate_limits: KeyRecord['rateLimits'] | null;
  metadata: Record<string, string> | null;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

function toRecord(row: KeyRow): KeyRecord {
  const record: KeyRecord = { id: row.id, hash: row.hash, prefix: row.prefix, owner: row.owner, createdAt: Number(row.created_at) };
  if (row.name !== null) record.name = row.name;
  if (row.team !== null) record.team = row.team;
  if (row.allowed_models !== null) record.allowedModels = row.allowed_models;
  if (row.rate_limits !== null) record.rateLimits = row.rate_limits;
  if (row.metadata !== null) record.metadata = row.metadata;
  if (row.expires_at !== null) record.expiresAt = Number(row.expires_at);
  if (row.revoked_at !== null) record.revokedAt = Number(row.revoked_at);
  return record;
}

const json = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));

export class PostgresKeyStore implements KeyStore {
  constructor(private readonly pool: Pool) {}

  async insertKey(record: KeyRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO api_keys (id, hash, prefix, name, owner, team, allowed_models, rate_limits, metadata, created_at, expires_at, revoked_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        record.id, record.hash, record.prefix, record.name ?? null, record.owner, record.team ?? null,
        json(record.allowedModels), json(record.rateLimits), json(record.metadata),
        record.createdAt, record.expiresAt ?? null, record.revokedAt ?? null,
      ],
    );
  }

  async findKeyByHash(hash: string): Promise<KeyRecord | undefined> {
    const { rows } = await this.pool.query<KeyRow>('SELECT * FROM api_keys WHERE hash = $1', [hash]);
    return rows[0] && toRecord(rows[0]);
  }

  async getKey(id: string): Promise<KeyRecord | undefined> {
    const { rows } = await this.pool.query<KeyRow>('SELECT * FROM api_keys WHERE id = $1', [id]);
    return rows[0] && toRecord(rows[0]);
  }

  async listKeys(filter: KeyListFilter = {}): Promise<KeyRecord[]> {
    const { rows } = await this.pool.query<KeyRow>(
      `SELECT * FROM api_keys
       WHERE ($1 OR revoked_at IS NULL) AND ($2::text IS NULL OR owner = $2) AND ($3::text IS NULL OR team = $3)
       ORDER BY created_at, id`,
      [filter.includeRevoked === true, filter.owner ?? null, filter.team ?? null],
    );
    return rows.map(toRecord);
  }

  async revokeKey(id: string, atMs: number): Promise<KeyRecord | undefined> {
    const { rows } = await this.pool.query<KeyRow>('UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2 RETURNING *', [atMs, id]);
    return rows[0] && toRecord(rows[0]);
  }
}
