import Database from 'better-sqlite3';
import type { DecisionRecord } from './decision-record.js';
import { prepareDecisionWrites } from './sqlite-decision-writes.js';

/** The name the decision log's job is registered under with the SQLite writer thread. */
export const DECISION_JOB = 'decisions';

/** What the decision log's job opens with: the log's file, its schema already created. */
export interface DecisionJobData {
  path: string;
}

/** Records to insert and, now and then, a retention cut. */
export interface DecisionJobPayload {
  records: readonly DecisionRecord[];
  pruneBefore?: number;
}

/**
 * The decision log's job in the SQLite writer thread: the records arrive as structured clones and
 * are serialized and inserted there, on a connection of its own, so that the event loop pays only
 * for the clone. Runs synchronously, so the thread answers them in order.
 */
export function openDecisionJob(data: unknown): { run(payload: unknown): void; close(): void } {
  const db = new Database((data as DecisionJobData).path);
  // The log's own connection still writes now and then (at close, or after the thread failed).
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = NORMAL');
  const writes = prepareDecisionWrites(db);
  return {
    run(payload) {
      const { records, pruneBefore } = payload as DecisionJobPayload;
      if (records.length > 0) writes.insert(records);
      if (pruneBefore !== undefined) writes.prune(pruneBefore);
    },
    close: () => db.close(),
  };
}
