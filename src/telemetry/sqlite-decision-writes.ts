import type { Database } from 'better-sqlite3';
import type { DecisionRecord } from './decision-record.js';

export const DECISION_LOG_SCHEMA = `
CREATE TABLE IF NOT EXISTS decision_log (
  id TEXT PRIMARY KEY,
  at INTEGER NOT NULL,
  task TEXT NOT NULL,
  winner TEXT,
  deployments TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS decision_log_at ON decision_log (at);
CREATE INDEX IF NOT EXISTS decision_log_task_at ON decision_log (task, at);
`;

/** The decision log's writes on one connection: the log's own or its writer thread's, which write the same rows. */
export interface DecisionWrites {
  /** Every record in one transaction; a record whose id is stored already replaces it. */
  insert(records: readonly DecisionRecord[]): void;
  /** Deletes the records before `at` (epoch ms). */
  prune(at: number): void;
}

export function prepareDecisionWrites(db: Database): DecisionWrites {
  const insert = db.prepare<[string, number, string, string | null, string, string]>(
    'INSERT OR REPLACE INTO decision_log (id, at, task, winner, deployments, body) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const prune = db.prepare<[number]>('DELETE FROM decision_log WHERE at < ?');
  const insertAll = db.transaction((records: readonly DecisionRecord[]) => {
    for (const r of records) {
      // Bars around each id make "attempted on X" an exact LIKE match.
      const deployments = `|${[...new Set(r.result.attempts.map((a) => a.deploymentId))].join('|')}|`;
      insert.run(r.id, r.at, r.profile.task, r.result.winner ?? null, deployments, JSON.stringify(r));
    }
  });
  return {
    insert: (records) => insertAll(records),
    prune: (at) => void prune.run(at),
  };
}
