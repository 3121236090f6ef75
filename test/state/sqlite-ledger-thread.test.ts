import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SQLITE_FILENAME, SqliteStore } from '../../src/state/index.js';
import { SqliteJobThread } from '../../src/state/sqlite-job-thread.js';
import { REPO, transpileSources } from '../support/transpile-sources.js';
import { describeStoreContract, ledgerEntry } from './describe-store-contract.js';

// The thread runs compiled JavaScript: the sources, types stripped, inside the checkout so that
// the thread resolves better-sqlite3 from node_modules. Its script is the gateway's, which serves
// the ledger's job and the decision log's.
const compiled = join(REPO, 'test-artifacts', `ledger-thread-${process.pid}`);
const worker = pathToFileURL(join(compiled, 'src', 'engine', 'sqlite-writer-worker.js'));
const root = mkdtempSync(join(tmpdir(), 'switchyard-ledger-thread-'));
let n = 0;
const freshDir = (): string => join(root, `store-${++n}`);

let compiling: Promise<void> | undefined;
const compile = (): Promise<void> => (compiling ??= transpileSources(compiled));

beforeAll(compile);
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(compiled, { recursive: true, force: true });
});

describeStoreContract('sqlite, ledger written by its thread', async () => {
  await compile();
  return SqliteStore.open({ dataDir: freshDir(), writerThread: new SqliteJobThread({ script: worker }) });
});

/** A thread script that exits before reading any message, `times` times (counted in a file), then runs the real one. */
function dyingWorker(times: number): URL {
  const script = join(compiled, `dying-${times}-${++n}.mjs`);
  const count = `${script}.count`;
  writeFileSync(count, '0');
  writeFileSync(
    script,
    `import { readFileSync, writeFileSync } from 'node:fs';
const deaths = Number(readFileSync(${JSON.stringify(count)}, 'utf8'));
if (deaths < ${times}) {
  writeFileSync(${JSON.stringify(count)}, String(deaths + 1));
  process.exit(3);
}
await import(${JSON.stringify(worker.href)});
`,
  );
  return pathToFileURL(script);
}

describe('SqliteStore ledger writer thread', () => {
  it('commits batches on its own connection: visible to the store and to another connection once appendEntries resolves, and synced', async () => {
    const dir = freshDir();
    const store = await SqliteStore.open({ dataDir: dir, writerThread: new SqliteJobThread({ script: worker }) });
    const batches = Array.from({ length: 20 }, (_, b) => Array.from({ length: 5 }, (_, i) => ledgerEntry({ id: `r${b}-${i}`, keyId: 'k1', costUsd: 0.5 })));
    await Promise.all(batches.map((batch) => store.ledger.appendEntries(batch)));
    expect(await store.ledger.countEntries()).toBe(100);
    expect(await store.ledger.spendByScope(0)).toContainEqual({ scope: 'key', scopeId: 'k1', costUsd: 50 });
    // A retried batch is idempotent in the thread too: rows and rollups unchanged.
    await store.ledger.appendEntries(batches[0] ?? []);
    expect(await store.ledger.spendByScope(0)).toContainEqual({ scope: 'key', scopeId: 'k1', costUsd: 50 });
    const other = new Database(join(dir, SQLITE_FILENAME), { readonly: true });
    expect(other.prepare('SELECT COUNT(*) AS n FROM ledger').get()).toEqual({ n: 100 });
    other.close();
    await store.close();
  });

  it('sends every batch to the thread: one that cannot start rejects the batch instead of writing it on the main connection', async () => {
    const errors: Error[] = [];
    const store = await SqliteStore.open({
      dataDir: freshDir(),
      writerThread: new SqliteJobThread({ script: pathToFileURL(join(compiled, 'no-such-worker.js')), onError: (error) => errors.push(error) }),
    });
    await expect(store.ledger.appendEntries([ledgerEntry({ id: 'a' })])).rejects.toMatchObject({ code: 'unavailable' });
    expect(await store.ledger.countEntries()).toBe(0);
    expect(errors).toHaveLength(1);
    await store.close();
  });

  it('rejects the batches of a thread that dies and starts a new thread for the retry', async () => {
    const errors: Error[] = [];
    const store = await SqliteStore.open({ dataDir: freshDir(), writerThread: new SqliteJobThread({ script: dyingWorker(1), onError: (error) => errors.push(error) }) });
    const batch = [ledgerEntry({ id: 'a', keyId: 'k1', costUsd: 1 }), ledgerEntry({ id: 'b', keyId: 'k1', costUsd: 2 })];
    await expect(store.ledger.appendEntries(batch)).rejects.toThrow(/writer thread died \(it exited with code 3\); 1 writes were not confirmed/);
    expect(await store.ledger.countEntries()).toBe(0);
    await store.ledger.appendEntries(batch);
    expect(await store.ledger.spendByScope(0)).toContainEqual({ scope: 'key', scopeId: 'k1', costUsd: 3 });
    expect(errors).toHaveLength(1);
    await store.close();
  });

  it('writes on the main connection after the thread died three times in a row, and says so', async () => {
    const errors: Error[] = [];
    const store = await SqliteStore.open({ dataDir: freshDir(), writerThread: new SqliteJobThread({ script: dyingWorker(99), onError: (error) => errors.push(error) }) });
    for (let i = 0; i < 3; i++) await expect(store.ledger.appendEntries([ledgerEntry({ id: 'a' })])).rejects.toMatchObject({ code: 'unavailable' });
    expect(errors.at(-1)?.message).toMatch(/written on the main thread from now on/);
    await store.ledger.appendEntries([ledgerEntry({ id: 'a' })]);
    expect(await store.ledger.listEntries()).toMatchObject([{ id: 'a' }]);
    await store.close();
  });
});
