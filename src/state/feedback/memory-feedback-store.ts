import type { ArmState, FeedbackEntry, FeedbackStore } from './feedback-entry.js';

/** Feedback kept in process: lost on restart (tests, demos). */
export class MemoryFeedbackStore implements FeedbackStore {
  private readonly entries: FeedbackEntry[] = [];

  append(entry: FeedbackEntry): void {
    this.entries.push(entry);
  }

  all(): FeedbackEntry[] {
    return [...this.entries];
  }

  private readonly states = new Map<string, ArmState>();

  saveArmState(state: ArmState): void {
    this.states.set(state.experimentId, state);
  }

  armStates(): ArmState[] {
    return [...this.states.values()];
  }

  close(): void {}
}
