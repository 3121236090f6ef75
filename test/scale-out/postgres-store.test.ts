import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/state/postgres/index.js';
import { describeStoreContract, ledgerEntry } from '../state/describe-store-contract.js';
import { DATABASE_URL, requireService } from '../support/require-service.js';

const service = await requireService('postgres');
const runId = randomBytes(4).toString('hex');
const schemas: string[] = [];
let n = 0;

/** A fresh schema per store, all dropped after the run. */
function freshSchema(): string {
  const schema = `sy_test_${runId}_${++n}`;
  schemas.push(schema);
  return schema;
}

afterAll(async () => {
  if (service.skip || schemas.length === 0) return;
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
});

describe.skipIf(service.skip)('PostgresStore', () => {
  describeStoreContract('postgres', () => PostgresStore.open({ connectionString: DATABASE_URL, schema: freshSchema(), maxConnections: 4 }));

  let store: PostgresStore;
  beforeAll(async () => {
    store = await PostgresStore.open({ connectionString: DATABASE_URL, schema: freshSchema(), maxConnections: 4 });
  });
  afterAll(async () => {
    await store?.close();
  });

  it('records migrations once when several processes open the same schema together', async () => {
    const schema = freshSchema();
    const opened = await Promise.all([1, 2, 3].map(() => PostgresStore.open({ connectionString: DATABASE_URL, schema, maxConnections: 2 })));
    for (const s of opened) expect(await s.schemaVersions()).toEqual([1]);
    await Promise.all(opened.map((s) => s.close()));
  });

  it('keeps per-day spend exact across concurrent batches that repeat ids', async () => {
    const batches = Array.from({ length: 20 }, (_, b) =>
      Array.from({ length: 25 }, (_, i) => ledgerEntry({ id: `r${(b * 25 + i) % 400}`, keyId: 'k', costUsd: 0.001 })),
    );
    await Promise.all(batches.map((batch) => store.ledger.appendEntries(batch)));
    expect(await store.ledger.countEntries()).toBe(400);
    expect(await store.ledger.spendByScope(0)).toContainEqual({ scope: 'key', scopeId: 'k', costUsd: 0.4 });
  });

  it('fails with a typed error when the server cannot be reached', async () => {
    await expect(PostgresStore.open({ connectionString: 'postgres://postgres@127.0.0.1:1/none', connectTimeoutMs: 500 })).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('refuses a schema name that is not a plain identifier', async () => {
    await expect(PostgresStore.open({ connectionString: DATABASE_URL, schema: 'x; DROP TABLE y' })).rejects.toMatchObject({ code: 'invalid_config' });
  });
});
