import type { Command } from 'commander';
import { registerConfigCommand } from './commands/config-command.js';
import { registerEvalCommand } from './commands/eval-command.js';
import { registerTrainRouterCommand } from './commands/train-router-command.js';

/** Each entry adds one command (or command group) to the program. */
export const COMMANDS: Array<(program: Command) => void> = [registerConfigCommand, registerEvalCommand, registerTrainRouterCommand];
