import type { Command } from 'commander';
import { registerConfigCommand } from './commands/config-command.js';

/** Each entry adds one command (or command group) to the program. */
export const COMMANDS: Array<(program: Command) => void> = [registerConfigCommand];
