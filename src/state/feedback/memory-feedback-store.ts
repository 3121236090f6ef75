import type { FeedbackEntry, FeedbackStore } from './feedback-entry.js';

/** Feedback kept in process: lost on restart (tests, demos). */
export class MemoryFeedbackStore implements FeedbackStore {
  private readonly entries: FeedbackEntry[] = [];

  append(entry: FeedbackEntry): void {
    this.entries.push(entry);
  }

  all(): FeedbackEntry[] {
    return [...this.entries];
  }

  close(): void {}
}
