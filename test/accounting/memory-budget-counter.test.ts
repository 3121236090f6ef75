import { MemoryBudgetCounter } from '../../src/accounting/index.js';
import { describeBudgetCounterContract } from './describe-budget-counter-contract.js';

describeBudgetCounterContract('memory', async () => new MemoryBudgetCounter());
