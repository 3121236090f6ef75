import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/config-schema.js';
import { watchConfig } from '../config/config-watcher.js';
import { buildGateway } from '../engine/build-gateway.js';
import { startGatewayUpkeep, type BuiltEngine, type GatewayUpkeep } from '../engine/start-gateway-upkeep.js';
import type { Gateway, GatewaySummary } from '../engine/gateway.js';
import type { GatewayAccounting } from '../engine/gateway-accounting.js';
import { openGatewayAccounting } from '../engine/open-gateway-accounting.js';
import { openScaleOut } from '../engine/open-scale-out.js';
import { openSqliteWriterThread } from '../engine/open-sqlite-writer-thread.js';
import type { ModelLimits } from '../spec/model-profile.js';
import { warmUpTokenizers } from '../engine/warm-up-tokenizers.js';
import { annotateDecisionLog } from '../engine/learning/annotate-decision-log.js';
import { openGatewayLearning } from '../engine/learning/open-gateway-learning.js';
import type { Telemetry } from '../telemetry/create-telemetry.js';
import type { BudgetLevel } from '../telemetry/gateway-observer.js';
import { accountingServerOptions } from './accounting-server-options.js';
import { createObservedServer } from './create-observed-server.js';
import { learningRoutes } from './learning-routes.js';
import { openBatchRunner } from '../engine/batch/open-batch-runner.js';
import { batchProgressViews } from './batch-progress-views.js';
import { batchRoutes } from './batch-routes.js';
import { chatCompletionBody } from './chat-completion-body.js';
import { parseChatRequest } from './parse-chat-request.js';
import type { SwitchyardServer } from './create-server.js';
import { openTelemetry } from './open-telemetry.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface ServeGatewayOptions {
  config: GatewayConfig;
  /** The file the config came from; reloaded on change and SIGHUP when `watch` is on. */
  configPath?: string;
  env?: Env;
  /** Overrides `config.dataDir`. */
  dataDir?: string;
  /** Override `config.server.port` / `host`. */
  port?: number;
  host?: string;
  watch?: boolean;
  /** A logger to use instead of one built from config (tests). */
  logger?: Logger;
  /** Gateway processes sharing `state` (workers × replicas): sizes the local share while Redis is away. Default 1. */
  expectedProcesses?: number;
  /** Redis key prefix and Postgres schema of this cluster's shared state (defaults: `switchyard:`, search_path). */
  sharedNamespace?: { redisKeyPrefix?: string; postgresSchema?: string };
}

export interface RunningGateway {
  url: string;
  port: number;
  server: SwitchyardServer;
  telemetry: Telemetry;
  accounting: GatewayAccounting;
  /** The gateway serving new requests (changes on reload). */
  gateway(): Gateway;
  close(): Promise<void>;
}

/** How long requests in flight on a replaced gateway may run before its connections are closed. */
const RELOAD_DRAIN_MS = 120_000;

/**
 * Starts the whole gateway from a validated config: observability, cost control, the engine and
 * the HTTP server, in that order, with config reload that never drops a request in flight.
 */
export async function serveGateway(options: ServeGatewayOptions): Promise<RunningGateway> {
  const { config } = options;
  const env = options.env ?? process.env;
  const dataDir = options.dataDir ?? config.dataDir;
  // The SQLite ledger and decision log write on one thread; its deaths reach the logger once there is one.
  let reportWriterThreadError: (error: Error) => void = () => {};
  const writerThread = openSqliteWriterThread((error) => reportWriterThreadError(error));
  const telemetry = await openTelemetry(config, {
    dataDir,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(writerThread === undefined ? {} : { writerThread }),
  });
  const log = telemetry.logger;
  reportWriterThreadError = (error) => log.error({ err: error }, 'SQLite writer thread failed');
  // Deployment limits for the shared rate and concurrency checks, refreshed on every (re)build.
  let limits = new Map<string, ModelLimits>();
  // API keys' RPM/TPM are counted under `key:<id>`; their limits are known once a request shows them.
  let keyLimits: ((keyId: string) => ModelLimits | undefined) | undefined;
  const scaleOut = await openScaleOut({
    config,
    env,
    dataDir,
    logger: log,
    metricsRegistry: telemetry.metrics.registry,
    limitsFor: (id) => (id.startsWith('key:') ? keyLimits?.(id.slice(4)) : limits.get(id)),
    expectedProcesses: options.expectedProcesses ?? 1,
    ...options.sharedNamespace,
  });
  const shared = scaleOut.shared;
  let accounting: GatewayAccounting;
  try {
    accounting = await openGatewayAccounting({
      config,
      dataDir,
      logger: log,
      metricsRegistry: telemetry.metrics.registry,
      ...(writerThread === undefined ? {} : { writerThread }),
      ...(scaleOut.store === undefined ? {} : { store: scaleOut.store }),
      ...(shared === undefined ? {} : { counter: shared.budgetCounter, sharedRates: shared.rateLimiter }),
    });
    const opened = accounting;
    keyLimits = (keyId) => opened.keyRateLimit(keyId);
  } catch (error) {
    await scaleOut.close();
    await scaleOut.store?.close();
    throw error;
  }
  if (scaleOut.store === undefined) log.info({ store: config.accounting.store }, 'keys, budgets and ledger in the local store');

  // Learned weights and stored feedback load here, once, before the first request.
  const learning = openGatewayLearning(config, { dataDir });
  const sharedState =
    shared === undefined
      ? undefined
      : { breakerStore: shared.breakerStore, rateLimiter: shared.rateLimiter, concurrency: shared.concurrency, liveStats: shared.liveStats };
  // Breaker and queue events and the health checks of the engine serving now; replaced with it.
  let upkeep: GatewayUpkeep | undefined;
  const build = (next: GatewayConfig): Gateway => {
    let engine: BuiltEngine | undefined;
    const gateway = buildGateway(next, {
      env,
      accounting,
      learning,
      cache: { observer: telemetry.observer },
      ...(sharedState === undefined ? {} : { sharedState }),
      onBuilt: (built) => (engine = built),
    });
    warmUpTokenizers(gateway);
    limits = new Map(gateway.listModels().flatMap((model) => (model.profile === undefined ? [] : [[model.id, model.profile.limits] as const])));
    upkeep?.stop();
    upkeep = engine === undefined ? undefined : startGatewayUpkeep(engine, { config: next, observer: telemetry.observer, logger: log });
    return gateway;
  };
  let current = build(config);
  logSummary(log, current.summary, options.configPath);

  const adminKey = env.SWITCHYARD_ADMIN_KEY;
  if (config.keys.enabled && adminKey === undefined) {
    log.warn('keys are enabled but SWITCHYARD_ADMIN_KEY is not set: the admin API and dashboard refuse every caller');
  }
  // Offline batch jobs: unfinished ones resume now, on whichever gateway is current.
  const batches = openBatchRunner({
    dataDir,
    gateway: () => current,
    parseRequest: parseChatRequest,
    formatResponse: chatCompletionBody,
    native: config.batches.native,
    pollIntervalMs: config.batches.pollSeconds * 1000,
    concurrency: config.batches.concurrency,
    // Both kinds reach here: a failed provider batch poll (retried at the next interval) and a batch stopped by an error (resumed on restart).
    onError: (error, batchId) => log.error({ err: error, batchId }, 'batch error'),
  });
  const { hooks, routes } = accountingServerOptions(accounting, adminKey === undefined ? {} : { adminKey });
  // The audit endpoints show each decision with the feedback posted on it.
  const audited: Telemetry = { ...telemetry, decisions: annotateDecisionLog(telemetry.decisions, learning) };
  const server = await createObservedServer(current, audited, {
    maxBodyBytes: config.server.maxBodyBytes,
    hooks,
    routes: { ...routes, ...batchRoutes(batches.runner), ...learningRoutes(learning, audited.decisions, adminKey === undefined ? {} : { adminKey }) },
    ...(adminKey === undefined ? {} : { adminKey }),
    budgets: async () => budgetLevels((await accounting.admin.getBudgets({})).data),
    batches: () => batchProgressViews(batches.runner),
  });
  const { url, port } = await server.listen(options.port ?? config.server.port, options.host ?? config.server.host);
  log.info({ url }, 'switchyard listening');

  let stopWatching: (() => void) | undefined;
  if (options.watch === true && options.configPath !== undefined) {
    stopWatching = watchConfig({
      path: options.configPath,
      env,
      onReload: (next) => {
        const previous = current;
        current = build(next);
        server.setGateway(current);
        logSummary(log, current.summary, options.configPath);
        if (next.server.port !== config.server.port || next.server.host !== config.server.host) {
          log.warn('server.host and server.port changes take effect on restart');
        }
        log.info('config reloaded');
        // Requests in flight keep the old gateway's pools until they finish.
        setTimeout(() => void previous.close().catch(() => undefined), RELOAD_DRAIN_MS).unref();
      },
      onError: (error) => log.error({ err: error }, 'config reload failed; the running config stays in force'),
    });
  }

  return {
    url,
    port,
    server,
    telemetry,
    accounting,
    gateway: () => current,
    async close() {
      stopWatching?.();
      await server.close(10_000);
      await batches.close();
      upkeep?.stop();
      await current.close();
      await accounting.close();
      await scaleOut.close();
      await telemetry.close();
      learning.close();
    },
  };
}

function logSummary(log: Logger, summary: GatewaySummary, configPath: string | undefined): void {
  log.info({ config: configPath ?? 'embedded defaults', defaultPolicy: summary.defaultPolicy, policies: summary.policies, aliases: summary.aliases }, 'configuration loaded');
  for (const live of summary.live) log.info({ deployment: live.id, provider: live.provider, source: live.source }, 'deployment live');
  for (const simulated of summary.simulated) {
    log.info({ deployment: simulated.id }, 'deployment SIMULATED (built-in simulated provider: deterministic text, no real model)');
  }
  for (const note of summary.notes) log.warn(note);
}

/**
 * Budget levels for the dashboard and metrics. Key budgets are left out: their only identity is
 * the key id, which must never become a metric label.
 */
function budgetLevels(views: ReadonlyArray<{ scope: string; scope_id: string | null; period: string; limit_usd: number; spent_usd: number }>): BudgetLevel[] {
  return views
    .filter((view) => view.scope !== 'key')
    .map((view) => ({
      scope: view.scope,
      name: view.scope === 'global' ? view.period : `${view.scope_id ?? ''} ${view.period}`.trim(),
      spentUsd: view.spent_usd,
      limitUsd: view.limit_usd,
    }));
}
