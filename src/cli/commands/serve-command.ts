import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.js';
import { applyServerV8Flags } from '../../server/apply-server-v8-flags.js';
import { serveGateway } from '../../server/serve-gateway.js';
import { expectedProcessCount, resolveSharedStateUrls, runWorkers } from '../run-workers.js';

interface ServeOptions {
  config?: string;
  port?: string;
  host?: string;
  dataDir?: string;
  watch: boolean;
  workers?: string;
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Start the gateway (embedded defaults when no config file is found)')
    .option('-c, --config <path>', 'config file (default: $SWITCHYARD_CONFIG or ./switchyard.yaml)')
    .option('-p, --port <port>', 'port to listen on (default: server.port, 4000)')
    .option('--host <host>', 'address to listen on (default: server.host, 127.0.0.1)')
    .option('--data-dir <dir>', 'where keys, budgets, the ledger and the decision log live (default: dataDir, ./.switchyard)')
    .option('--no-watch', 'do not reload the config file when it changes or on SIGHUP')
    .option('-w, --workers <n>', 'processes sharing the port; more than 1 needs `state: redis://…` or REDIS_URL (default 1)')
    .action(async (options: ServeOptions) => {
      // Before the config and the catalog load, so that start-up's garbage is collected the same way.
      applyServerV8Flags();
      const loaded = await loadConfig(options.config === undefined ? {} : { path: options.config });
      const workers = options.workers === undefined ? 1 : Number(options.workers);
      // Checked before anything starts, so the error is the only output.
      await runWorkers({
        workers,
        urls: resolveSharedStateUrls(loaded.config),
        log: (line) => console.error(line),
        startWorker: () => startServing(loaded, options),
      });
    });
}

async function startServing(loaded: Awaited<ReturnType<typeof loadConfig>>, options: ServeOptions): Promise<void> {
  const running = await serveGateway({
    config: loaded.config,
    ...(loaded.path === undefined ? {} : { configPath: loaded.path }),
    ...(options.port === undefined ? {} : { port: parsePort(options.port) }),
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    watch: options.watch,
    expectedProcesses: expectedProcessCount(),
  });
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    running.telemetry.logger.info({ signal }, 'shutting down: finishing requests in flight');
    void running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, not "${value}"`);
  return port;
}
