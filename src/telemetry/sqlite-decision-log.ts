import Database from 'better-sqlite3';
import type { DecisionLog, DecisionQuery, DecisionRecord } from './decision-record.js';
import { DECISION_JOB, type DecisionJobData, type DecisionJobPayload } from './sqlite-decision-job.js';
import { DECISION_LOG_SCHEMA, prepareDecisionWrites, type DecisionWrites } from './sqlite-decision-writes.js';
import type { SqliteWriterJob, SqliteWriterThread } from './sqlite-writer-thread.js';

export interface SqliteDecisionLogOptions {
  /** A database file (e.g. `<dataDir>/decisions.sqlite`) or `:memory:`. */
  path: string;
  /** Records older than this are deleted (default 30 days). */
  retentionMs?: number;
  /**
   * Without the writer thread, appends are written in one transaction at most this often
   * (default 1 s); with it, they are handed to the thread within 20 ms.
   */
  flushIntervalMs?: number;
  /** …or as soon as this many are waiting (default 500). */
  flushBatch?: number;
  now?: () => number;
  /**
   * The process's SQLite writer thread, whose script serves the log's job (DECISION_JOB): the
   * records are serialized and inserted there, on a connection of its own. Without it, or with a
   * `:memory:` path, they are written on the log's own connection.
   */
  writerThread?: SqliteWriterThread;
  /** Told when a write fails (the records are queued again, not lost) or records are dropped. */
  onError?: (error: Error) => void;
}

/**
 * How long a record waits for companions before a batch goes to the writer thread: shorter than
 * the few tens of milliseconds between scavenges under load, so that records die young.
 */
const THREAD_HANDOFF_MS = 20;

/** Records kept queued while writes fail, before the oldest are dropped. */
const MAX_PENDING = 50_000;

/**
 * The decision audit log in a SQLite file of its own, so that it needs nothing from the store's
 * migrations. Appends never touch the disk on the request path: they queue in memory and are
 * written in one transaction per flush (within 20 ms with the thread; about once a
 * second without it), by the writer thread with its own connection when one
 * is given (serializing a ~1.6 kB record costs more than cloning it to the
 * thread), else on this connection; retention is applied on a timer. The record is kept whole as
 * JSON beside the few columns queries filter on. Reads run here and first wait for every write
 * handed out before them.
 */
export class SqliteDecisionLog implements DecisionLog {
  private readonly db: Database.Database;
  private pending: DecisionRecord[] = [];
  private readonly retentionMs: number;
  private readonly flushBatch: number;
  private readonly now: () => number;
  private readonly timer: NodeJS.Timeout;
  private readonly writes: DecisionWrites;
  private readonly thread: SqliteWriterJob | undefined;
  private readonly onError: (error: Error) => void;
  /** The last write handed to the thread; the thread answers in order, so it settles after every earlier one. */
  private lastWrite: Promise<void> = Promise.resolve();
  private lastPrune = 0;

  constructor(options: SqliteDecisionLogOptions) {
    this.db = new Database(options.path);
    if (options.path !== ':memory:') this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    // The writer thread holds the write lock while it inserts; a write here waits for it instead of failing.
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(DECISION_LOG_SCHEMA);
    this.retentionMs = options.retentionMs ?? 30 * 86_400_000;
    this.flushBatch = options.flushBatch ?? 500;
    this.now = options.now ?? Date.now;
    this.onError = options.onError ?? (() => {});
    this.writes = prepareDecisionWrites(this.db);
    const data: DecisionJobData = { path: options.path };
    this.thread = options.path === ':memory:' ? undefined : options.writerThread?.open(DECISION_JOB, data);
    this.timer = setInterval(() => this.flush(), options.flushIntervalMs ?? 1_000);
    this.timer.unref();
  }

  append(record: DecisionRecord): void {
    this.pending.push(record);
    // With the writer thread, a batch goes out THREAD_HANDOFF_MS after its first record. Held for
    // up to a second, records outlived two scavenges and were promoted, filling the old generation
    // with dead records (twice the full collections); handed over every turn of the event loop,
    // the posts themselves (a structured clone and a wake-up of the thread each) took 15% of the
    // main thread. Batches of a second are kept for writes on this thread, where each is a transaction.
    if (this.pending.length === 1 && this.thread?.usable === true) setTimeout(this.flushSoon, THREAD_HANDOFF_MS).unref();
    else if (this.pending.length === this.flushBatch) setImmediate(this.flushSoon);
  }

  private readonly flushSoon = (): void => this.flush();

  /** Hands what is queued to the writer and applies retention (at most once a minute). */
  flush(): void {
    const pruneBefore = this.pruneDue();
    if (this.pending.length === 0 && pruneBefore === undefined) return;
    const records = this.pending;
    this.pending = [];
    if (this.thread?.usable === true) {
      try {
        const payload: DecisionJobPayload = pruneBefore === undefined ? { records } : { records, pruneBefore };
        this.lastWrite = this.thread.run(payload).catch((error: unknown) => this.requeue(records, error as Error));
        return;
      } catch (error) {
        this.onError(new Error(`decision records could not be passed to the writer thread; written on the main thread: ${(error as Error).message}`, { cause: error }));
      }
    }
    this.writeHere(records, pruneBefore);
  }

  async get(id: string): Promise<DecisionRecord | undefined> {
    await this.written();
    const row = this.db.prepare('SELECT body FROM decision_log WHERE id = ? AND at >= ?').get(id, this.now() - this.retentionMs) as { body: string } | undefined;
    return row === undefined ? undefined : (JSON.parse(row.body) as DecisionRecord);
  }

  async query(query: DecisionQuery): Promise<DecisionRecord[]> {
    await this.written();
    const where: string[] = ['at >= ?'];
    const params: Array<string | number> = [Math.max(query.from ?? 0, this.now() - this.retentionMs)];
    if (query.id !== undefined) {
      where.push('id = ?');
      params.push(query.id);
    }
    if (query.to !== undefined) {
      where.push('at < ?');
      params.push(query.to);
    }
    if (query.task !== undefined) {
      where.push('task = ?');
      params.push(query.task);
    }
    if (query.deployment !== undefined) {
      where.push("(winner = ? OR deployments LIKE ? ESCAPE '\\')");
      params.push(query.deployment, `%|${query.deployment.replace(/[\\%_]/g, (c) => `\\${c}`)}|%`);
    }
    params.push(query.limit ?? 100);
    const rows = this.db.prepare(`SELECT body FROM decision_log WHERE ${where.join(' AND ')} ORDER BY at DESC, rowid DESC LIMIT ?`).all(...params) as Array<{ body: string }>;
    return rows.map((row) => JSON.parse(row.body) as DecisionRecord);
  }

  /** Writes what is queued, closes the job in the writer thread and closes the file. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.written();
    await this.thread?.close();
    this.db.close();
  }

  /** Resolves once every record appended so far is in the table. */
  private async written(): Promise<void> {
    this.flush();
    await this.lastWrite;
    // Records of a failed thread write are back in the queue: a reader must see them, so they are written here.
    if (this.pending.length > 0) this.writeHere(this.pending.splice(0), undefined);
  }

  private writeHere(records: readonly DecisionRecord[], pruneBefore: number | undefined): void {
    if (records.length > 0) this.writes.insert(records);
    if (pruneBefore !== undefined) this.writes.prune(pruneBefore);
  }

  /** After a failed thread write. */
  private requeue(records: DecisionRecord[], error: Error): void {
    this.onError(new Error(`decision records were not confirmed by the writer thread and are queued again: ${error.message}`, { cause: error }));
    this.pending = [...records, ...this.pending];
    const excess = this.pending.length - MAX_PENDING;
    if (excess <= 0) return;
    this.pending.splice(0, excess);
    this.onError(new Error(`${excess} oldest decision records dropped: writes keep failing and the queue is full`));
  }

  private pruneDue(): number | undefined {
    const now = this.now();
    if (now - this.lastPrune < 60_000) return undefined;
    this.lastPrune = now;
    return now - this.retentionMs;
  }
}
