// Cluster primary for run-workers.test.ts: runs `runWorkers` with a tiny HTTP server per worker
// that answers with its pid, on the port given, and prints "ready" once every worker listens.
import { createServer } from 'node:http';
import cluster from 'node:cluster';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

const [compiledDir, port, workers] = process.argv.slice(2);
const { runWorkers } = await import(pathToFileURL(join(compiledDir, 'src/cli/run-workers.js')).href);

await runWorkers({
  workers: Number(workers),
  urls: { redisUrl: 'redis://127.0.0.1:6379' },
  startWorker: () =>
    new Promise((resolve) => {
      const server = createServer((_req, res) => {
        res.setHeader('connection', 'close');
        res.end(JSON.stringify({ pid: process.pid, workers: process.env.SWITCHYARD_WORKERS }));
      });
      process.once('SIGTERM', () => server.close(() => process.exit(0)));
      server.listen(Number(port), '127.0.0.1', resolve);
    }),
  log: (line) => process.stderr.write(`${line}\n`),
});
if (cluster.isPrimary) process.stdout.write('ready\n');
