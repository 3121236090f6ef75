import type { BreakerChangedEvent, BreakerState, BudgetUpdatedEvent, GatewayObserver } from './gateway-observer.js';

export interface BudgetStatusView {
  scope: string;
  name: string;
  spentUsd: number;
  limitUsd: number;
  utilization: number;
  at: number;
}

/** The latest state of every budget and breaker the engine reported, for the dashboard. */
export class StatusBoard implements GatewayObserver {
  private readonly budgetsByKey = new Map<string, BudgetStatusView>();
  private readonly breakersById = new Map<string, { state: BreakerState; since: number }>();

  budgetUpdated(event: BudgetUpdatedEvent): void {
    this.budgetsByKey.set(`${event.scope}\u0000${event.name}`, {
      scope: event.scope,
      name: event.name,
      spentUsd: event.spentUsd,
      limitUsd: event.limitUsd,
      utilization: event.limitUsd > 0 ? event.spentUsd / event.limitUsd : 0,
      at: event.at,
    });
  }

  breakerChanged(event: BreakerChangedEvent): void {
    this.breakersById.set(event.deploymentId, { state: event.to, since: event.at });
  }

  budgets(): BudgetStatusView[] {
    return [...this.budgetsByKey.values()].sort((a, b) => b.utilization - a.utilization);
  }

  breakers(): Map<string, { state: BreakerState; since: number }> {
    return new Map(this.breakersById);
  }
}
