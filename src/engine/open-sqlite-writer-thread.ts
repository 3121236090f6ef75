import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ResourceLimits } from 'node:worker_threads';
import { SqliteJobThread } from '../state/sqlite-job-thread.js';

/**
 * The writer thread's V8 heap. Its live heap is small (prepared statements, one batch at a time)
 * but it allocates fast (each decision record is deserialized and stringified there), so left
 * to the default the young generation grows to what the main thread's would: a 4 MB cap took
 * 20-30 MB off the gateway's peak RSS at 256 streams, with the same process CPU per request
 * (bench/overhead/README.md). A cap on the young generation only makes scavenges more frequent;
 * it can never run the thread out of memory (the old generation is not limited).
 */
export const SQLITE_WRITER_RESOURCE_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 4 };

/**
 * The one SQLite writer thread of a gateway process, for the ledger and the decision log alike
 * (one more V8 isolate and better-sqlite3, not one per writer). Undefined when the compiled
 * `sqlite-writer-worker.js` is not beside this module (running from the TypeScript sources):
 * both then write on their own connections. `onError` hears of the thread's deaths.
 */
export function openSqliteWriterThread(onError: (error: Error) => void): SqliteJobThread | undefined {
  const script = new URL('./sqlite-writer-worker.js', import.meta.url);
  return existsSync(fileURLToPath(script)) ? new SqliteJobThread({ script, onError, resourceLimits: SQLITE_WRITER_RESOURCE_LIMITS }) : undefined;
}
