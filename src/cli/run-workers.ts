import cluster, { type Worker } from 'node:cluster';
import { GatewayError } from '../errors/gateway-error.js';

/** Where shared state lives, from config first, then the environment. */
export interface SharedStateUrls {
  /** `state:` or REDIS_URL. */
  redisUrl?: string;
  /** `store:` or DATABASE_URL. */
  databaseUrl?: string;
}

export function resolveSharedStateUrls(config: { state?: string | undefined; store?: string | undefined }, env: NodeJS.ProcessEnv = process.env): SharedStateUrls {
  const urls: SharedStateUrls = {};
  const redisUrl = config.state ?? nonEmpty(env.REDIS_URL);
  const databaseUrl = config.store ?? nonEmpty(env.DATABASE_URL);
  if (redisUrl !== undefined) urls.redisUrl = redisUrl;
  if (databaseUrl !== undefined) urls.databaseUrl = databaseUrl;
  return urls;
}

/**
 * More than one process without shared state would give each its own budgets, rate limits and
 * breakers: N times the spend and N times the rate. Refuse that up front.
 */
export function assertWorkersAllowed(workers: number, urls: SharedStateUrls): void {
  if (!Number.isInteger(workers) || workers < 1) {
    throw new GatewayError('invalid_config', `--workers must be a whole number of at least 1, got ${workers}.`);
  }
  if (workers > 1 && urls.redisUrl === undefined) {
    throw new GatewayError(
      'invalid_config',
      `--workers ${workers} needs shared state: set \`state: redis://host:6379\` in the config or REDIS_URL. ` +
        'Without it every worker would enforce budgets and rate limits on its own, multiplying both.',
    );
  }
}

/** The environment each worker reads to size its local share of limits while Redis is away. */
export const WORKER_COUNT_ENV = 'SWITCHYARD_WORKERS';
export const WORKER_INDEX_ENV = 'SWITCHYARD_WORKER_INDEX';

/** Set per deployment to replicas × workers, so that the outage share accounts for other machines too. */
export const EXPECTED_PROCESSES_ENV = 'SWITCHYARD_EXPECTED_PROCESSES';

/**
 * Gateway processes sharing state, for `openSharedState({ expectedProcesses })`: the deployment's
 * declared total, else this machine's worker count, else 1.
 */
export function expectedProcessCount(env: NodeJS.ProcessEnv = process.env): number {
  for (const name of [EXPECTED_PROCESSES_ENV, WORKER_COUNT_ENV]) {
    const value = Number(env[name]);
    if (Number.isInteger(value) && value >= 1) return value;
  }
  return 1;
}

export interface RunWorkersOptions {
  workers: number;
  urls: SharedStateUrls;
  /** Runs in each worker (and in the only process when workers is 1): listen on the configured port. */
  startWorker: () => Promise<void>;
  log?: (line: string) => void;
  /** A worker that dies is started again after this long, doubling while they keep dying. Default 500 ms. */
  restartDelayMs?: number;
}

/**
 * `switchyard serve --workers N`: with N = 1 runs the server in this process; otherwise this
 * process becomes the cluster primary and forks N workers. Each worker listens on the same port
 * (node:cluster hands connections to workers round-robin). Workers that die are restarted;
 * SIGINT/SIGTERM stops them gracefully. Resolves in a worker once it listens, and in the primary
 * once every worker listens.
 */
export async function runWorkers(options: RunWorkersOptions): Promise<void> {
  assertWorkersAllowed(options.workers, options.urls);
  if (options.workers === 1 || cluster.isWorker) {
    await options.startWorker();
    return;
  }
  const log = options.log ?? (() => undefined);
  const baseDelay = options.restartDelayMs ?? 500;
  let stopping = false;
  let delay = baseDelay;
  const fork = (index: number): Worker => {
    const worker = cluster.fork({ [WORKER_COUNT_ENV]: String(options.workers), [WORKER_INDEX_ENV]: String(index) });
    worker.on('exit', (code, signal) => {
      if (stopping) return;
      log(`worker ${index} (pid ${worker.process.pid}) exited (${signal ?? code}); restarting in ${delay} ms`);
      const wait = delay;
      delay = Math.min(delay * 2, 30_000);
      setTimeout(() => fork(index), wait).unref();
    });
    worker.on('listening', () => {
      delay = baseDelay;
    });
    return worker;
  };
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping ${options.workers} workers`);
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const workers = Array.from({ length: options.workers }, (_, i) => fork(i));
  await Promise.all(workers.map((worker) => new Promise<void>((resolve) => worker.once('listening', () => resolve()))));
  log(`${options.workers} workers listening, sharing state through Redis`);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
