#!/usr/bin/env node
import { Command } from 'commander';
import { GatewayError } from '../errors/gateway-error.js';
import { COMMANDS } from './command-list.js';

/** `switchyard` command line: every command lives in its own file under commands/. */
const program = new Command()
  .name('switchyard')
  .description('An OpenAI-compatible LLM gateway that routes each request to the model that should answer it.')
  .showHelpAfterError();

for (const register of COMMANDS) register(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof GatewayError) {
    console.error(`switchyard: ${error.message}`);
  } else {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  }
  process.exitCode = 1;
});
