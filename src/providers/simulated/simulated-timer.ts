import type { Deadlines } from '../../spec/chat-model.js';
import { GatewayError } from '../../errors/gateway-error.js';

/**
 * Paces one simulated call on real timers (fake timers in tests) and enforces the caller's
 * deadlines and abort signal with the same typed errors the HTTP client raises for real
 * upstreams: first_token_timeout, idle_timeout, total_timeout, client_closed.
 */
export class SimulatedTimer {
  private elapsedMs = 0;

  constructor(
    private readonly deploymentId: string,
    private readonly deadlines: Deadlines = {},
    private readonly signal?: AbortSignal,
  ) {}

  /** Throws client_closed if the caller has already gone. */
  checkAborted(): void {
    if (this.signal?.aborted) throw this.closed();
  }

  /** Waits `ms` before the first part (phase `first`) or between parts (`next`). */
  async wait(ms: number, phase: 'first' | 'next'): Promise<void> {
    this.checkAborted();
    const phaseLimit = phase === 'first' ? this.deadlines.firstTokenMs : this.deadlines.idleMs;
    const totalLeft = this.deadlines.totalMs === undefined ? Infinity : Math.max(0, this.deadlines.totalMs - this.elapsedMs);
    if (phaseLimit !== undefined && phaseLimit < ms && phaseLimit <= totalLeft) {
      await this.sleep(phaseLimit);
      const code = phase === 'first' ? 'first_token_timeout' : 'idle_timeout';
      throw new GatewayError(code, `${this.deploymentId}: ${phase === 'first' ? 'first-token' : 'idle'} deadline of ${phaseLimit} ms passed.`, { deploymentId: this.deploymentId });
    }
    if (totalLeft < ms) {
      await this.sleep(totalLeft);
      throw new GatewayError('total_timeout', `${this.deploymentId}: total deadline of ${this.deadlines.totalMs} ms passed.`, { deploymentId: this.deploymentId });
    }
    await this.sleep(ms);
  }

  private sleep(ms: number): Promise<void> {
    this.elapsedMs += ms;
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(this.closed());
      };
      const timer = setTimeout(() => {
        this.signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      this.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private closed(): GatewayError {
    return new GatewayError('client_closed', `${this.deploymentId}: the request was aborted.`, { deploymentId: this.deploymentId });
  }
}
