import Database from 'better-sqlite3';
import type { ArmState, FeedbackEntry, FeedbackStore } from './feedback-entry.js';

interface FeedbackRow {
  decision_id: string;
  at: number;
  task: string;
  deployment_id: string;
  score: number;
  label: string | null;
  experiment_id: string | null;
  arm: string | null;
}

/**
 * Feedback in SQLite (WAL). Feedback arrives far less often than requests, so each score is
 * written as it comes: a restart replays every one into the quality estimates.
 */
export class SqliteFeedbackStore implements FeedbackStore {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;

  constructor(path: string) {
    this.db = new Database(path);
    if (path !== ':memory:') this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS feedback (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      decision_id TEXT NOT NULL,
      at INTEGER NOT NULL,
      task TEXT NOT NULL,
      deployment_id TEXT NOT NULL,
      score REAL NOT NULL,
      label TEXT,
      experiment_id TEXT,
      arm TEXT
    )`);
    this.db.exec('CREATE INDEX IF NOT EXISTS feedback_decision ON feedback (decision_id)');
    this.db.exec('CREATE TABLE IF NOT EXISTS experiment_arms (experiment_id TEXT PRIMARY KEY, body TEXT NOT NULL)');
    this.insert = this.db.prepare(
      'INSERT INTO feedback (decision_id, at, task, deployment_id, score, label, experiment_id, arm) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
  }

  append(entry: FeedbackEntry): void {
    this.insert.run(entry.decisionId, entry.at, entry.task, entry.deploymentId, entry.score, entry.label ?? null, entry.experiment?.id ?? null, entry.experiment?.arm ?? null);
  }

  all(): FeedbackEntry[] {
    const rows = this.db.prepare('SELECT decision_id, at, task, deployment_id, score, label, experiment_id, arm FROM feedback ORDER BY seq').all() as FeedbackRow[];
    return rows.map((row) => {
      const entry: FeedbackEntry = { decisionId: row.decision_id, at: row.at, task: row.task, deploymentId: row.deployment_id, score: row.score };
      if (row.label !== null) entry.label = row.label;
      if (row.experiment_id !== null && row.arm !== null) entry.experiment = { id: row.experiment_id, arm: row.arm };
      return entry;
    });
  }

  saveArmState(state: ArmState): void {
    this.db.prepare('INSERT INTO experiment_arms (experiment_id, body) VALUES (?, ?) ON CONFLICT (experiment_id) DO UPDATE SET body = excluded.body').run(state.experimentId, JSON.stringify(state));
  }

  armStates(): ArmState[] {
    const rows = this.db.prepare('SELECT body FROM experiment_arms').all() as Array<{ body: string }>;
    return rows.map((row) => JSON.parse(row.body) as ArmState);
  }

  close(): void {
    this.db.close();
  }
}
