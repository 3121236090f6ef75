import type { OutcomeClass } from '../spec/outcome-class.js';
import { LogHistogram } from './log-histogram.js';

/** Counts for one scope (a deployment or the whole gateway) over one stretch of time. */
export class StatsBucket {
  calls = 0;
  errors: Partial<Record<OutcomeClass, number>> = {};
  /** Successful calls only: a timeout's duration says nothing about how fast the model answers. */
  readonly latency = new LogHistogram();
  readonly ttft = new LogHistogram();
  inputTokens = 0;
  outputTokens = 0;
  cachedTokens = 0;
  /** Time spent by the calls whose output tokens are counted, for tokens per second. */
  generationMs = 0;
  costUsd = 0;
  /** Calls that carried a cost (the answering ones), for the average. */
  costedCalls = 0;

  addCall(outcome: OutcomeClass, latencyMs: number, ttftMs: number | undefined): void {
    this.calls += 1;
    if (outcome === 'ok') {
      this.latency.add(latencyMs);
      if (ttftMs !== undefined) this.ttft.add(ttftMs);
    } else {
      this.errors[outcome] = (this.errors[outcome] ?? 0) + 1;
    }
  }

  addAnswer(answer: { inputTokens: number; outputTokens: number; cachedTokens: number; generationMs: number; costUsd: number }): void {
    this.inputTokens += answer.inputTokens;
    this.outputTokens += answer.outputTokens;
    this.cachedTokens += answer.cachedTokens;
    if (answer.outputTokens > 0) this.generationMs += answer.generationMs;
    this.costUsd += answer.costUsd;
    this.costedCalls += 1;
  }

  merge(other: StatsBucket): void {
    this.calls += other.calls;
    for (const [outcome, count] of Object.entries(other.errors) as Array<[OutcomeClass, number]>) {
      this.errors[outcome] = (this.errors[outcome] ?? 0) + count;
    }
    this.latency.merge(other.latency);
    this.ttft.merge(other.ttft);
    this.inputTokens += other.inputTokens;
    this.outputTokens += other.outputTokens;
    this.cachedTokens += other.cachedTokens;
    this.generationMs += other.generationMs;
    this.costUsd += other.costUsd;
    this.costedCalls += other.costedCalls;
  }

  get errorCount(): number {
    let sum = 0;
    for (const count of Object.values(this.errors)) sum += count ?? 0;
    return sum;
  }
}
