/** A scorer's verdict: a score in [0, 1], or null when the item could not be scored (no judge, say). */
export interface ScoreResult {
  score: number | null;
  /** What was compared, for the report (`expected 42, got 41`). */
  detail: string;
}
