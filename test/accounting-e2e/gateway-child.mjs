// Child process for gateway-crash.e2e.test.ts: the compiled gateway with cost control over SQLite
// in a data directory, composed as the CLI does. Prints "listening <url>" once it serves; logs go
// to stderr. The parent kills it with SIGKILL mid-load, or stops it with SIGTERM.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [compiledDir, configPath, dataDir] = process.argv.slice(2);
const load = (path) => import(pathToFileURL(join(compiledDir, path)).href);
const { parseConfig } = await load('src/config/load-config.js');
const { buildGateway } = await load('src/engine/build-gateway.js');
const { openGatewayAccounting } = await load('src/engine/open-gateway-accounting.js');
const { accountingServerOptions } = await load('src/server/accounting-server-options.js');
const { startServer } = await load('src/server/create-server.js');
const { createLogger } = await load('src/telemetry/create-logger.js');

const { default: pino } = await import('pino');
const logger = createLogger({ level: 'info', destination: pino.destination({ fd: 2, sync: true }) });
const config = parseConfig(JSON.parse(readFileSync(configPath, 'utf8')), {});
const accounting = await openGatewayAccounting({ config, dataDir, logger });
const gateway = buildGateway(config, { env: {}, accounting });
const { hooks, routes } = accountingServerOptions(accounting, { adminKey: process.env.SWITCHYARD_ADMIN_KEY });
const server = await startServer(gateway, { port: 0, hooks, routes });
process.stdout.write(`listening ${server.url}\n`);
process.on('SIGTERM', () => {
  void server
    .close(1_000)
    .then(() => gateway.close())
    .then(() => accounting.close())
    .then(() => process.exit(0));
});
