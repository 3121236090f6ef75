import type { Command } from 'commander';
import { registerAuditCommand } from './commands/audit-command.js';
import { registerBenchCommand } from './commands/bench-command.js';
import { registerConfigCommand } from './commands/config-command.js';
import { registerEvalCommand } from './commands/eval-command.js';
import { registerServeCommand } from './commands/serve-command.js';
import { registerReportCommand } from './commands/report-command.js';
import { registerTrainRouterCommand } from './commands/train-router-command.js';
import { registerKeysCommand } from './commands/keys-command.js';
import { registerBudgetsCommand } from './commands/budgets-command.js';
import { registerSpendCommand } from './commands/spend-command.js';
import { registerRouteCommand } from './commands/route-command.js';
import { registerModelsCommand } from './commands/models-command.js';
import { registerEstimateCommand } from './commands/estimate-command.js';

/** Each entry adds one command (or command group) to the program. */
export const COMMANDS: Array<(program: Command) => void> = [registerServeCommand, registerConfigCommand, registerEvalCommand, registerTrainRouterCommand, registerReportCommand, registerAuditCommand, registerBenchCommand, registerKeysCommand, registerBudgetsCommand, registerSpendCommand, registerRouteCommand, registerModelsCommand, registerEstimateCommand];
