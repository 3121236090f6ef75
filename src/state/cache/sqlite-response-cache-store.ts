import Database from 'better-sqlite3';
import type { ResponseCacheStore } from './response-cache-store.js';

export interface SqliteResponseCacheStoreOptions {
  /** The cache's own file (`<dataDir>/cache.sqlite`), apart from the ledger's. */
  path: string;
  maxBytes: number;
  now?: () => number;
}

/**
 * Cached answers in their own SQLite file, so they survive a restart. Writes are gathered and
 * committed together on the next turn of the event loop (one transaction for a burst), reads
 * check those pending writes first. Past `maxBytes`, least recently used rows are deleted.
 */
export class SqliteResponseCacheStore implements ResponseCacheStore {
  readonly name = 'sqlite';
  private readonly db: Database.Database;
  private readonly now: () => number;
  private readonly maxBytes: number;
  private readonly pending = new Map<string, { value: string; expiresAt: number } | null>();
  private flushScheduled = false;
  private used: number;
  private readonly statements;

  constructor(options: SqliteResponseCacheStoreOptions) {
    this.now = options.now ?? Date.now;
    this.maxBytes = options.maxBytes;
    this.db = new Database(options.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS response_cache (
      key TEXT PRIMARY KEY, value TEXT NOT NULL, bytes INTEGER NOT NULL,
      expires_at INTEGER NOT NULL, used_at INTEGER NOT NULL)`);
    this.db.exec('CREATE INDEX IF NOT EXISTS response_cache_used ON response_cache (used_at)');
    this.statements = {
      get: this.db.prepare<[string], { value: string; expires_at: number }>('SELECT value, expires_at FROM response_cache WHERE key = ?'),
      touch: this.db.prepare<[number, string]>('UPDATE response_cache SET used_at = ? WHERE key = ?'),
      upsert: this.db.prepare<[string, string, number, number, number]>(
        'INSERT INTO response_cache (key, value, bytes, expires_at, used_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, bytes = excluded.bytes, expires_at = excluded.expires_at, used_at = excluded.used_at',
      ),
      remove: this.db.prepare<[string]>('DELETE FROM response_cache WHERE key = ?'),
      expire: this.db.prepare<[number]>('DELETE FROM response_cache WHERE expires_at <= ?'),
      oldest: this.db.prepare<[], { key: string; bytes: number }>('SELECT key, bytes FROM response_cache ORDER BY used_at LIMIT 64'),
      total: this.db.prepare<[], { total: number | null }>('SELECT SUM(bytes) AS total FROM response_cache'),
    };
    this.statements.expire.run(this.now());
    this.used = this.statements.total.get()?.total ?? 0;
  }

  get(key: string): Promise<string | undefined> {
    const now = this.now();
    if (this.pending.has(key)) {
      const entry = this.pending.get(key);
      return Promise.resolve(entry !== null && entry !== undefined && entry.expiresAt > now ? entry.value : undefined);
    }
    const row = this.statements.get.get(key);
    if (row === undefined || row.expires_at <= now) return Promise.resolve(undefined);
    this.statements.touch.run(now, key);
    return Promise.resolve(row.value);
  }

  set(key: string, value: string, ttlMs: number): Promise<void> {
    if (ttlMs <= 0) return Promise.resolve();
    this.pending.set(key, { value, expiresAt: this.now() + ttlMs });
    this.scheduleFlush();
    return Promise.resolve();
  }

  delete(key: string): Promise<void> {
    this.pending.set(key, null);
    this.scheduleFlush();
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.flush();
    this.db.close();
    return Promise.resolve();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.pending.size === 0 || !this.db.open) return;
    const now = this.now();
    const writes = [...this.pending];
    this.pending.clear();
    this.db.transaction(() => {
      for (const [key, entry] of writes) {
        const old = this.statements.get.get(key);
        if (old !== undefined) this.used -= (key.length + old.value.length) * 2;
        if (entry === null) {
          this.statements.remove.run(key);
          continue;
        }
        const bytes = (key.length + entry.value.length) * 2;
        this.statements.upsert.run(key, entry.value, bytes, entry.expiresAt, now);
        this.used += bytes;
      }
      while (this.used > this.maxBytes) {
        const victims = this.statements.oldest.all();
        if (victims.length === 0) break;
        for (const { key, bytes } of victims) {
          if (this.used <= this.maxBytes) break;
          this.statements.remove.run(key);
          this.used -= bytes;
        }
      }
    })();
  }
}
