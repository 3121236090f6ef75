// One gateway process of a cluster for three-gateway-processes.test.ts: the whole gateway
// (serveGateway, as `switchyard serve` runs it) from the transpiled sources, on a free port,
// sharing Redis and Postgres through the config, its cluster's Redis prefix and Postgres schema.
// Prints "listening <url>" once it serves; logs (warnings and errors) go to stderr. SIGTERM
// closes it, flushing its ledger, and exits 0.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [compiledDir, configPath, dataDir, redisKeyPrefix, postgresSchema] = process.argv.slice(2);
const load = (path) => import(pathToFileURL(join(compiledDir, path)).href);
const { parseConfig } = await load('src/config/load-config.js');
const { serveGateway } = await load('src/server/serve-gateway.js');
const { default: pino } = await import('pino');

const config = parseConfig(JSON.parse(readFileSync(configPath, 'utf8')), {});
const running = await serveGateway({
  config,
  env: {},
  dataDir,
  port: 0,
  host: '127.0.0.1',
  logger: pino({ level: 'warn' }, pino.destination({ fd: 2, sync: true })),
  expectedProcesses: 3,
  sharedNamespace: { redisKeyPrefix, postgresSchema },
});
process.stdout.write(`listening ${running.url}\n`);
process.once('SIGTERM', () => {
  void running.close().then(
    () => process.exit(0),
    (error) => {
      process.stderr.write(`close failed: ${error?.stack ?? error}\n`);
      process.exit(1);
    },
  );
});
