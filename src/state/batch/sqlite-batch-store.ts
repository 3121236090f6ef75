import Database from 'better-sqlite3';
import type { BatchLineResult, BatchRecord, BatchStatus, FileRecord, NativeBatchGroup } from './batch-records.js';

/**
 * Files and batch jobs in their own SQLite file. Each line's result is committed (synchronous
 * FULL) before it counts, and the counts are read back from the results themselves, so that a
 * process killed mid-batch resumes exactly where its last committed line left it.
 */
export class SqliteBatchStore {
  private readonly db: Database.Database;
  private readonly statements;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS batch_files (id TEXT PRIMARY KEY, record TEXT NOT NULL, content BLOB NOT NULL);
      CREATE TABLE IF NOT EXISTS batches (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, record TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS batch_line_results (
        batch_id TEXT NOT NULL, line_index INTEGER NOT NULL, ok INTEGER NOT NULL, line TEXT NOT NULL,
        PRIMARY KEY (batch_id, line_index));
      CREATE TABLE IF NOT EXISTS batch_native_groups (id TEXT PRIMARY KEY, batch_id TEXT NOT NULL, record TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS batch_native_groups_batch ON batch_native_groups (batch_id);`);
    this.statements = {
      putFile: this.db.prepare<[string, string, Buffer]>('INSERT OR REPLACE INTO batch_files (id, record, content) VALUES (?, ?, ?)'),
      getFile: this.db.prepare<[string], { record: string }>('SELECT record FROM batch_files WHERE id = ?'),
      getContent: this.db.prepare<[string], { content: Buffer }>('SELECT content FROM batch_files WHERE id = ?'),
      putBatch: this.db.prepare<[string, number, string]>('INSERT INTO batches (id, created_at, record) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET record = excluded.record'),
      getBatch: this.db.prepare<[string], { record: string }>('SELECT record FROM batches WHERE id = ?'),
      listBatches: this.db.prepare<[number], { record: string }>('SELECT record FROM batches ORDER BY created_at DESC, id DESC LIMIT ?'),
      putResult: this.db.prepare<[string, number, number, string]>('INSERT OR IGNORE INTO batch_line_results (batch_id, line_index, ok, line) VALUES (?, ?, ?, ?)'),
      doneLines: this.db.prepare<[string], { line_index: number }>('SELECT line_index FROM batch_line_results WHERE batch_id = ?'),
      results: this.db.prepare<[string], { line_index: number; ok: number; line: string }>('SELECT line_index, ok, line FROM batch_line_results WHERE batch_id = ? ORDER BY line_index'),
      putGroup: this.db.prepare<[string, string, string]>('INSERT INTO batch_native_groups (id, batch_id, record) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET record = excluded.record'),
      groups: this.db.prepare<[string], { record: string }>('SELECT record FROM batch_native_groups WHERE batch_id = ? ORDER BY id'),
      // The cost is read from the committed output lines themselves (`switchyard.cost_usd`), so it can never disagree with them.
      counts: this.db.prepare<[string], { completed: number | null; failed: number | null; cost: number | null }>(
        "SELECT SUM(ok) AS completed, SUM(1 - ok) AS failed, SUM(CASE WHEN ok = 1 THEN json_extract(line, '$.response.body.switchyard.cost_usd') ELSE 0 END) AS cost FROM batch_line_results WHERE batch_id = ?",
      ),
    };
  }

  putFile(record: FileRecord, content: Buffer): void {
    this.statements.putFile.run(record.id, JSON.stringify(record), content);
  }

  getFile(id: string): FileRecord | undefined {
    const row = this.statements.getFile.get(id);
    return row === undefined ? undefined : (JSON.parse(row.record) as FileRecord);
  }

  getFileContent(id: string): Buffer | undefined {
    return this.statements.getContent.get(id)?.content;
  }

  putBatch(record: BatchRecord): void {
    this.statements.putBatch.run(record.id, record.createdAt, JSON.stringify(record));
  }

  getBatch(id: string): BatchRecord | undefined {
    const row = this.statements.getBatch.get(id);
    return row === undefined ? undefined : this.withCounts(JSON.parse(row.record) as BatchRecord);
  }

  listBatches(limit: number): BatchRecord[] {
    return this.statements.listBatches.all(limit).map((row) => this.withCounts(JSON.parse(row.record) as BatchRecord));
  }

  /** Batches a restart must pick up again. */
  unfinished(): BatchRecord[] {
    const open: BatchStatus[] = ['validating', 'in_progress', 'finalizing', 'cancelling'];
    return this.listBatches(Number.MAX_SAFE_INTEGER).filter((batch) => open.includes(batch.status));
  }

  /** Commits one line's result; a second result for the same line is ignored. Returns whether it was new. */
  recordLine(batchId: string, result: BatchLineResult): boolean {
    return this.statements.putResult.run(batchId, result.lineIndex, result.ok ? 1 : 0, result.line).changes === 1;
  }

  doneLines(batchId: string): Set<number> {
    return new Set(this.statements.doneLines.all(batchId).map((row) => row.line_index));
  }

  lineResults(batchId: string): BatchLineResult[] {
    return this.statements.results.all(batchId).map((row) => ({ lineIndex: row.line_index, ok: row.ok === 1, line: row.line }));
  }

  /** Stores a native batch group as it is now (committed before the call it precedes). */
  putNativeGroup(group: NativeBatchGroup): void {
    this.statements.putGroup.run(group.id, group.batchId, JSON.stringify(group));
  }

  nativeGroups(batchId: string): NativeBatchGroup[] {
    return this.statements.groups.all(batchId).map((row) => JSON.parse(row.record) as NativeBatchGroup);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private withCounts(record: BatchRecord): BatchRecord {
    const counts = this.statements.counts.get(record.id);
    return { ...record, completed: counts?.completed ?? 0, failed: counts?.failed ?? 0, costUsd: counts?.cost ?? 0 };
  }
}
