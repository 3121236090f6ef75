import type { Clock, TimerHandle } from './clock.js';

interface PendingTimer {
  id: number;
  at: number;
  callback: () => void;
}

/** A clock that moves only when told to; timers fire in due order during `advance`. */
export class ManualClock implements Clock {
  private current: number;
  private nextId = 1;
  private readonly timers = new Map<number, PendingTimer>();

  constructor(start = 0) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { id, at: this.current + Math.max(0, ms), callback });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as number);
  }

  /** Number of timers not yet fired or cleared. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Moves time forward, firing every timer that falls due on the way (including ones they set). */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      let due: PendingTimer | undefined;
      for (const timer of this.timers.values()) {
        if (timer.at <= target && (due === undefined || timer.at < due.at || (timer.at === due.at && timer.id < due.id))) due = timer;
      }
      if (due === undefined) break;
      this.timers.delete(due.id);
      this.current = Math.max(this.current, due.at);
      due.callback();
    }
    this.current = target;
  }

  /** Like `advance`, but lets promise callbacks run between timers so async code can react. */
  async advanceAsync(ms: number, step = Math.max(1, Math.floor(ms / 20))): Promise<void> {
    const target = this.current + ms;
    while (this.current < target) {
      this.advance(Math.min(step, target - this.current));
      for (let i = 0; i < 5; i += 1) await Promise.resolve();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}
