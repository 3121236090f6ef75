import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SqliteJobThread } from '../state/sqlite-job-thread.js';

/**
 * The one SQLite writer thread of a gateway process, for the ledger and the decision log alike
 * (one more V8 isolate and better-sqlite3, not one per writer). Undefined when the compiled
 * `sqlite-writer-worker.js` is not beside this module (running from the TypeScript sources):
 * both then write on their own connections. `onError` hears of the thread's deaths.
 */
export function openSqliteWriterThread(onError: (error: Error) => void): SqliteJobThread | undefined {
  const script = new URL('./sqlite-writer-worker.js', import.meta.url);
  return existsSync(fileURLToPath(script)) ? new SqliteJobThread({ script, onError }) : undefined;
}
