import { GatewayError } from '../errors/gateway-error.js';
import type { BudgetRecord } from '../state/budget-record.js';
import { formatUsd } from './format-usd.js';

const PERIOD_WORDS: Record<BudgetRecord['period'], string> = { day: 'daily', week: 'weekly', month: 'monthly', total: 'total' };

/** `budget_exceeded` (429) for a reservation that did not fit, naming the budget and the figures. */
export class BudgetExceededError extends GatewayError {
  readonly budgetId: string;
  readonly limitUsd: number;
  readonly usedUsd: number;
  readonly requestedUsd: number;

  constructor(budget: BudgetRecord, usedUsd: number, requestedUsd: number) {
    const target = budget.scope === 'global' ? 'gateway' : budget.scope === 'key' ? `key ${budget.scopeId}` : `team "${budget.scopeId}"`;
    const left = Math.max(0, budget.limitUsd - usedUsd);
    super(
      'budget_exceeded',
      `Budget exceeded: the ${target} ${PERIOD_WORDS[budget.period]} budget of ${formatUsd(budget.limitUsd)} has ` +
        `${formatUsd(left)} left (spent and reserved ${formatUsd(usedUsd)}); this request needs up to ${formatUsd(requestedUsd)}.`,
    );
    this.budgetId = budget.id;
    this.limitUsd = budget.limitUsd;
    this.usedUsd = usedUsd;
    this.requestedUsd = requestedUsd;
  }
}
