/** One score posted for a decision: what it was about and what it said. */
export interface FeedbackEntry {
  decisionId: string;
  /** Epoch ms. */
  at: number;
  task: string;
  /** The deployment that answered. */
  deploymentId: string;
  /** In [0, 1]; thumbs up is 1, down is 0. */
  score: number;
  label?: string;
  experiment?: { id: string; arm: string };
}

/** Where feedback is kept so that learned estimates survive a restart. */
export interface FeedbackStore {
  append(entry: FeedbackEntry): void;
  /** Every stored entry, oldest first, for replay at start. */
  all(): FeedbackEntry[];
  /** Keeps an experiment's promoted and stopped arms, so that a restart does not undo them. */
  saveArmState(state: ArmState): void;
  armStates(): ArmState[];
  close(): void;
}

/** What the admin API changed on one experiment. */
export interface ArmState {
  experimentId: string;
  promoted?: string;
  stopped: string[];
}
