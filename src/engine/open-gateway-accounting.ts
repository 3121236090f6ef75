import { Counter, type Registry } from 'prom-client';
import type { GatewayConfig } from '../config/config-schema.js';
import { Accounting } from '../accounting/accounting.js';
import type { AccountingLogger } from '../accounting/accounting-logger.js';
import type { AlertSink } from '../accounting/alert.js';
import type { BudgetCounter } from '../accounting/budget-counter.js';
import type { Clock } from '../accounting/clock.js';
import { MetricAlertSink, type AlertCounter } from '../accounting/metric-alert-sink.js';
import { WebhookAlertSink } from '../accounting/webhook-alert-sink.js';
import { MemoryStore } from '../state/memory-store.js';
import type { SqliteJobThread } from '../state/sqlite-job-thread.js';
import { SqliteStore } from '../state/sqlite-store.js';
import type { Store } from '../state/store.js';
import { GatewayAccounting, type SharedRateLimiter } from './gateway-accounting.js';

export interface OpenGatewayAccountingOptions {
  config: GatewayConfig;
  /** Overrides `config.dataDir` (the `--data-dir` option). */
  dataDir?: string;
  /** The gateway's logger (pino fits); alerts and ledger failures are logged through it. */
  logger?: AccountingLogger;
  /** Where the alert counter is registered (the telemetry metrics registry). */
  metricsRegistry?: Registry;
  /** An opened store (Postgres, a test's memory store); otherwise chosen by config. */
  store?: Store;
  /** Shared budget counters (Redis, scale-out); in-process memory by default. */
  counter?: BudgetCounter;
  /** Shared per-key RPM/TPM (Redis, scale-out); in-process by default. */
  sharedRates?: SharedRateLimiter;
  clock?: Clock;
  /** The process's SQLite writer thread (openSqliteWriterThread): the SQLite ledger's batches are written there. */
  writerThread?: SqliteJobThread;
}

const ALERT_METRIC = 'switchyard_budget_alerts_total';

function alertCounter(registry: Registry): AlertCounter {
  const existing = registry.getSingleMetric(ALERT_METRIC);
  if (existing instanceof Counter) return existing as AlertCounter;
  return new Counter({
    name: ALERT_METRIC,
    help: 'Budget threshold and spend-anomaly alerts fired, by kind, scope and threshold.',
    labelNames: ['kind', 'scope', 'threshold'],
    registers: [registry],
  });
}

function openSqliteStore(options: OpenGatewayAccountingOptions): Promise<SqliteStore> {
  return SqliteStore.open({
    dataDir: options.dataDir ?? options.config.dataDir,
    ...(options.writerThread === undefined ? {} : { writerThread: options.writerThread }),
  });
}

/**
 * Opens cost control from config, once at start: the store (SQLite in the data directory by
 * default), spend rebuilt from the ledger, alert sinks (log, Prometheus counter, webhook), and the
 * budgets config declares, applied over what the admin API stored.
 */
export async function openGatewayAccounting(options: OpenGatewayAccountingOptions): Promise<GatewayAccounting> {
  const settings = options.config.accounting;
  const store = options.store ?? (settings.store === 'memory' ? new MemoryStore() : await openSqliteStore(options));
  const sinks: AlertSink[] = [];
  if (options.metricsRegistry !== undefined) sinks.push(new MetricAlertSink(alertCounter(options.metricsRegistry)));
  if (settings.webhook !== undefined) {
    sinks.push(
      new WebhookAlertSink({
        url: settings.webhook.url,
        ...(settings.webhook.headers === undefined ? {} : { headers: settings.webhook.headers }),
        ...(options.logger === undefined ? {} : { logger: options.logger }),
      }),
    );
  }
  const accounting = await Accounting.open({
    store,
    alertSinks: sinks,
    alertThresholds: settings.alertThresholds,
    anomaly: settings.anomaly,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.counter === undefined ? {} : { counter: options.counter }),
  });
  try {
    for (const budget of settings.budgets) {
      await accounting.budgets.setBudget({
        scope: budget.scope,
        period: budget.period,
        limitUsd: budget.limitUsd,
        ...(budget.scopeId === undefined ? {} : { scopeId: budget.scopeId }),
        ...(budget.alertThresholds === undefined ? {} : { alertThresholds: budget.alertThresholds }),
      });
    }
  } catch (error) {
    await accounting.close();
    throw error;
  }
  return new GatewayAccounting({
    accounting,
    keysRequired: options.config.keys.enabled,
    ...(options.sharedRates === undefined ? {} : { sharedRates: options.sharedRates }),
  });
}
