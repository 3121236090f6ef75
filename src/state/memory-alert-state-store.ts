import type { AlertStateStore } from './alert-state-store.js';

export class MemoryAlertStateStore implements AlertStateStore {
  private readonly fired = new Map<string, number>();

  async markAlertFired(alertKey: string, firedAtMs: number): Promise<boolean> {
    if (this.fired.has(alertKey)) return false;
    this.fired.set(alertKey, firedAtMs);
    return true;
  }

  async hasAlertFired(alertKey: string): Promise<boolean> {
    return this.fired.has(alertKey);
  }
}
