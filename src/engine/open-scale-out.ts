import { join } from 'node:path';
import { Counter, type Registry } from 'prom-client';
import type { GatewayConfig } from '../config/config-schema.js';
import { MemoryBudgetCounter } from '../accounting/memory-budget-counter.js';
import type { BreakerRecord } from '../resilience/breaker-store.js';
import type { ModelLimits } from '../spec/model-profile.js';
import type { SharedState } from '../state/redis/open-shared-state.js';
import { SpooledStore } from '../state/spooled-store.js';
import type { Store } from '../state/store.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface ScaleOutLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface OpenScaleOutOptions {
  config: GatewayConfig;
  env: Env;
  dataDir: string;
  logger: ScaleOutLogger;
  /** Where the degraded/recovered counters are registered (the telemetry metrics registry). */
  metricsRegistry: Registry;
  /** Limits of a deployment id, read on every check so that config reloads apply. */
  limitsFor(deploymentId: string): ModelLimits | undefined;
  /** Gateway processes sharing the state (workers × replicas), for the local share during an outage. */
  expectedProcesses: number;
  /** Keeps one cluster's Redis keys apart from another's on a shared Redis. Default `switchyard:`. */
  redisKeyPrefix?: string;
  /** Postgres schema for the tables. Default: the connection's `search_path`. */
  postgresSchema?: string;
}

/** What this process shares with the others; both parts absent when neither is configured. */
export interface ScaleOut {
  store?: Store;
  shared?: SharedState<BreakerRecord>;
  close(): Promise<void>;
}

const DEGRADED_METRIC = 'switchyard_shared_state_degraded_total';
const RECOVERED_METRIC = 'switchyard_shared_state_recovered_total';

function counter(registry: Registry, name: string, help: string): Counter<'component'> {
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Counter) return existing as Counter<'component'>;
  return new Counter({ name, help, labelNames: ['component'], registers: [registry] });
}

/** Same precedence as `resolveSharedStateUrls`: config first, then REDIS_URL / DATABASE_URL. */
function urls(config: GatewayConfig, env: Env): { redisUrl?: string; databaseUrl?: string } {
  const redisUrl = config.state ?? nonEmpty(env.REDIS_URL);
  const databaseUrl = config.store ?? nonEmpty(env.DATABASE_URL);
  return { ...(redisUrl === undefined ? {} : { redisUrl }), ...(databaseUrl === undefined ? {} : { databaseUrl }) };
}

/**
 * Opens the shared state of a scaled-out gateway: the Postgres store (ledger spooled to
 * `<dataDir>/ledger.spool` while Postgres is away) and the Redis state (budget counters, rate
 * limits, breakers, live stats). Outages are logged loudly and counted, because a process on local
 * state enforces only its share of the limits.
 */
export async function openScaleOut(options: OpenScaleOutOptions): Promise<ScaleOut> {
  const { redisUrl, databaseUrl } = urls(options.config, options.env);
  const log = options.logger;
  const degraded = counter(options.metricsRegistry, DEGRADED_METRIC, 'Times shared state (Redis, Postgres ledger) became unreachable, by component.');
  const recovered = counter(options.metricsRegistry, RECOVERED_METRIC, 'Times shared state (Redis, Postgres ledger) came back, by component.');
  const onDegraded = (component: string, error: unknown): void => {
    degraded.inc({ component });
    log.error({ component, err: error }, 'SHARED STATE UNREACHABLE: running on local state until it comes back');
  };
  const onRecovered = (component: string, outageMs: number): void => {
    recovered.inc({ component });
    log.warn({ component, outageMs }, 'shared state back');
  };

  // Workers on one machine share the data directory; each needs its own spool file.
  const worker = options.env.SWITCHYARD_WORKER_INDEX;
  const spoolPath = join(options.dataDir, worker === undefined || worker === '' ? 'ledger.spool' : `ledger-${worker}.spool`);
  let store: Store | undefined;
  if (databaseUrl !== undefined) {
    // Loaded only when configured: pg and ioredis with their dependencies are about 1 MB of
    // source kept resident (and more of compiled code) in every process that never uses them.
    const { PostgresStore } = await import('../state/postgres/postgres-store.js');
    const postgres = await PostgresStore.open({
      connectionString: databaseUrl,
      ...(options.postgresSchema === undefined ? {} : { schema: options.postgresSchema }),
    });
    try {
      store = await SpooledStore.open(postgres, { spoolPath, onDegraded, onRecovered });
    } catch (error) {
      await postgres.close();
      throw error;
    }
    log.info({ store: 'postgres', spool: spoolPath }, 'keys, budgets and ledger in Postgres');
  }

  let shared: SharedState<BreakerRecord> | undefined;
  if (redisUrl !== undefined) {
    const { openSharedState } = await import('../state/redis/open-shared-state.js');
    shared = await openSharedState<BreakerRecord>({
      redisUrl,
      ...(options.redisKeyPrefix === undefined ? {} : { keyPrefix: options.redisKeyPrefix }),
      expectedProcesses: options.expectedProcesses,
      createLocalBudgetCounter: () => new MemoryBudgetCounter(),
      rateLimitFor: (key) => rateOf(options.limitsFor(key)),
      concurrencyLimitFor: (id) => options.limitsFor(id)?.maxConcurrent,
      onDegraded,
      onRecovered,
    });
    log.info({ state: 'redis', connected: shared.connectedAtStart, expectedProcesses: options.expectedProcesses }, 'budgets, rate limits and breakers shared through Redis');
  }

  return {
    ...(store === undefined ? {} : { store }),
    ...(shared === undefined ? {} : { shared }),
    async close() {
      await shared?.close();
    },
  };
}

function rateOf(limits: ModelLimits | undefined): { requestsPerMinute?: number; tokensPerMinute?: number } | undefined {
  if (limits === undefined || (limits.requestsPerMinute === undefined && limits.tokensPerMinute === undefined)) return undefined;
  return {
    ...(limits.requestsPerMinute === undefined ? {} : { requestsPerMinute: limits.requestsPerMinute }),
    ...(limits.tokensPerMinute === undefined ? {} : { tokensPerMinute: limits.tokensPerMinute }),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
